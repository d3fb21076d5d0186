"""Speakers: a profile per speaker of a meeting (name, role, organisation, photo, bio, link),
linked to the agenda items they speak in, shown on the agenda and on a page of their own."""

from flask import Blueprint

bp = Blueprint("speakers", __name__)

from . import routes  # noqa: E402,F401
