"""Registration, consent, cancellation, waitlist, and the participant's own page."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import routes, sections  # noqa: E402,F401
