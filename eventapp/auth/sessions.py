"""Starting a signed-in session: used by the sign-in routes of auth and by the registration
link that confirms a registration and signs its owner in."""

from flask import session
from flask_login import login_user

from .services import SESSION_GENERATION


def start_session(user) -> None:
    """Sign the user in with a fresh session (no fixation); only the language choice survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_GENERATION] = user.session_generation  # signing out everywhere ends it
    login_user(user)
