"""Image uploads (finalists' logos, people's photos): accepted by content (PNG or JPEG),
size-capped, and re-encoded as PNG.

Re-encoding drops whatever else the file carried (metadata, appended payloads).
"""

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from .errors import InvalidInput

ACCEPTED_FORMATS = {"PNG", "JPEG"}
MAX_PIXELS = 4096 * 4096  # refuses decompression bombs before any pixel is decoded
IMAGE_BOX = (600, 600)

# What the uploader is told, in the words of what they upload.
_REFUSALS = {
    "logo": {"size": _l("The logo may be at most %(mb)d MB."),
             "format": _l("The logo must be a PNG or JPEG image."),
             "pixels": _l("The logo has too many pixels.")},
    "photo": {"size": _l("The photo may be at most %(mb)d MB."),
              "format": _l("The photo must be a PNG or JPEG image."),
              "pixels": _l("The photo has too many pixels.")},
}


def reencode_logo(data: bytes, max_bytes: int) -> bytes:
    """The uploaded logo as a PNG of at most 600×600 px; InvalidInput for anything else."""
    return reencode_image(data, max_bytes, "logo")


def reencode_image(data: bytes, max_bytes: int, what: str) -> bytes:
    """The uploaded image (`what`: logo or photo) as a PNG of at most 600×600 px;
    InvalidInput, in the words of `what`, for anything else."""
    refusal = _REFUSALS[what]
    if len(data) > max_bytes:
        raise InvalidInput(str(refusal["size"]) % {"mb": max_bytes // (1024 * 1024)})
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidInput(refusal["format"])
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(refusal["pixels"])
            image.load()
            image = image.convert("RGBA")
            image.thumbnail(IMAGE_BOX)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError as exc:  # Pillow's own limit, far above ours
        raise InvalidInput(refusal["pixels"]) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidInput(refusal["format"]) from exc
