"""The award: finalists, polls, ballots, results, receipts, run-offs."""

from flask import Blueprint

bp = Blueprint("awards", __name__)

from . import page_hooks, routes  # noqa: E402,F401
