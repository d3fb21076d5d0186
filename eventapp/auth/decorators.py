"""Role checks for routes."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def organiser_required(view):
    """Anonymous users go to the sign-in page; signed-in participants get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
