"""Privacy: what is stored about a participant, deleting an account, anonymising an event."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import routes  # noqa: E402,F401
