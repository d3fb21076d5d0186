"""Events and agenda: the public list of events and each event's page."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from . import routes  # noqa: E402,F401
