"""The organiser's side: events, agenda, breakouts, finalists, registrations, audit log."""

from flask import Blueprint

bp = Blueprint("organiser", __name__)

from . import dashboard, routes  # noqa: E402,F401
