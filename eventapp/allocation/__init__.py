"""Ranked breakout choices and their fair allocation (random serial dictatorship): per
meeting "first come, first served" or "rank your choices by a deadline"."""

from flask import Blueprint

bp = Blueprint("allocation", __name__)

from . import routes  # noqa: E402,F401
