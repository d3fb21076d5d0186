"""The meeting's mails: the reminder before the day, the voting link, the result, and the
organiser's message to everyone with a place or to one breakout session.

They compose from awards, breakouts, registration and exports, so they sit on top; the
queue, composing one mail and sending it are the bottom package `mailing`.
"""

from flask import Blueprint

bp = Blueprint("meeting_mails", __name__)

from . import routes  # noqa: E402,F401  (the routes register themselves on bp)
