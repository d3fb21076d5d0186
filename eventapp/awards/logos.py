"""Logo uploads: accepted by content (PNG or JPEG), size-capped, and re-encoded as PNG.

Re-encoding drops whatever else the file carried (metadata, appended payloads).
"""

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from ..errors import InvalidInput

ACCEPTED_FORMATS = {"PNG", "JPEG"}
MAX_PIXELS = 4096 * 4096  # refuses decompression bombs before any pixel is decoded
LOGO_BOX = (600, 600)


def reencode_logo(data: bytes, max_bytes: int) -> bytes:
    """The uploaded image as a PNG of at most 600×600 px; InvalidInput for anything else."""
    if len(data) > max_bytes:
        raise InvalidInput(_l("The logo may be at most %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidInput(_l("The logo must be a PNG or JPEG image."))
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(_l("The logo has too many pixels."))
            image.load()
            image = image.convert("RGBA")
            image.thumbnail(LOGO_BOX)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError as exc:  # Pillow's own limit, far above ours
        raise InvalidInput(_l("The logo has too many pixels.")) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidInput(_l("The logo must be a PNG or JPEG image.")) from exc
