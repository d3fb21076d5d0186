"""Check-in at the venue: tickets (QR codes) and the organiser's check-in desk."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)

from . import routes  # noqa: E402,F401
