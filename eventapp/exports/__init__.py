"""Exports for organisers and participants: CSV and Excel lists, iCalendar, name badges."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from . import routes  # noqa: E402,F401
