"""Feedback after the meeting: a short survey mailed to those who were there, answered once
and anonymously through a single-use link; averages, distributions and a CSV export."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from . import routes  # noqa: E402,F401
