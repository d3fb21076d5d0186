"""Registration, consent, cancellation, waitlist, and the participant's own page."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import page_hooks, routes  # noqa: E402,F401
