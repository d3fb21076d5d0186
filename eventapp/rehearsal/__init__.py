"""The measured dress rehearsal: a practice question on the big screen, answered on the
hall's own phones, which report how long the ballot, the vote and the live state took; the
live control sums it up, and ending the rehearsal deletes every trace of it (issue 39)."""

from flask import Blueprint

bp = Blueprint("rehearsal", __name__)

from . import routes  # noqa: E402,F401
