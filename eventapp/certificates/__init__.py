"""Certificates of attendance: the PDF for who was there, its short code and the public page
that confirms it, and the organiser's "mail them to everyone who was there"."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes  # noqa: E402,F401
