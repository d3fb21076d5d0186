"""Word clouds: the organiser asks for one to three words, participants answer anonymously,
the organiser hides what does not belong, and the big screen draws the cloud (drawing.py)."""

from flask import Blueprint

bp = Blueprint("wordcloud", __name__)

from . import routes  # noqa: E402,F401
