"""The live show: big screen, organiser remote, polled JSON state."""

from flask import Blueprint

bp = Blueprint("live", __name__)

from . import routes  # noqa: E402,F401
