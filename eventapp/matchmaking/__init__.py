"""Meeting each other: an opt-in list of a meeting's participants, searchable by topic, and
requests for a meeting that the other accepts or declines (addresses are never shown)."""

from flask import Blueprint

bp = Blueprint("matchmaking", __name__)

from . import page_hooks, routes  # noqa: E402,F401
