"""Guest lists and personal invitations: the organiser's guest list under
/organiser/events/<slug>/guests, and the guest's answer under /invitations/<token>."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from . import routes  # noqa: E402,F401
