"""Questions from the audience: participants ask (named or anonymously) and upvote; the
presenter or organiser moderates; the big screen shows the approved ones by upvotes."""

from flask import Blueprint

bp = Blueprint("questions", __name__)

from . import page_hooks, routes  # noqa: E402,F401
