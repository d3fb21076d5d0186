"""Public award pages: finalists' logos."""

from flask import make_response, request

from . import bp
from .services import logo_of


@bp.route("/finalists/<int:finalist_id>/logo.png")
def logo(finalist_id: int):
    """A finalist's logo; cached for long, since its URL changes with every new version."""
    png, version = logo_of(finalist_id)
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(f"logo-{finalist_id}-{version}")
    return response.make_conditional(request)
