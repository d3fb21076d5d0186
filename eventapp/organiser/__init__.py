"""The organiser's side: events, agenda, breakouts, finalists, registrations, audit log,
past winners."""

from flask import Blueprint

bp = Blueprint("organiser", __name__)

from . import audit_log, dashboard, past_winners, polls, routes, staff, vote_cards  # noqa: E402,F401
