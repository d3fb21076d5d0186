"""The call for finalists: the public application form, the jury's scores, the shortlist."""

from flask import Blueprint

bp = Blueprint("calls", __name__)

from . import page_hooks, routes  # noqa: E402,F401
