"""Signed-in sessions: starting one (used by the sign-in routes of auth and by the
registration link that confirms a registration and signs its owner in), reading whom one
claims to be without a query (the vote checks the claim itself), and loading that user."""

from dataclasses import dataclass

from flask import session
from flask_login import login_user
from sqlalchemy import bindparam, select

from ..database import MAX_ID
from ..extensions import db
from .models import User
from .services import SESSION_GENERATION

# Where Flask-Login keeps the signed-in user's id in the session.
_FLASK_LOGIN_USER_ID = "_user_id"


def start_session(user) -> None:
    """Sign the user in with a fresh session (no fixation); only the language choice survives,
    and a language the account chose before is this session's choice too."""
    lang = session.get("lang") or (user.locale if user.locale_chosen else None)
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_GENERATION] = user.session_generation  # signing out everywhere ends it
    login_user(user)


@dataclass(frozen=True)
class SessionUser:
    """Whom the session says it belongs to, not yet checked: whoever acts on it must check
    the generation against the user's row in their own statement (as the vote does)."""

    id: int
    session_generation: int


def session_user() -> SessionUser | None:
    """The user this session was signed in as, read from the signed cookie alone (no query);
    None if it was never signed in."""
    user_id = session.get(_FLASK_LOGIN_USER_ID)
    if not isinstance(user_id, str) or not user_id.isdigit() or int(user_id) > MAX_ID:
        return None
    # Sessions from before generations existed count as the first generation.
    return SessionUser(int(user_id), session.get(SESSION_GENERATION, 0))


# Every other signed-in request loads its user (Flask-Login's loader): a statement built
# once, with the generation as its condition, costs less than `session.get`.
_USER_OF_SESSION = select(User).where(User.id == bindparam("user_id"),
                                      User.session_generation == bindparam("generation"))


def user_of_session(claim: SessionUser) -> User | None:
    """The user the session claims to be, or None if that session has ended (sign-out or a
    new password since it began)."""
    return db.session.scalars(_USER_OF_SESSION, {"user_id": claim.id,
                                                 "generation": claim.session_generation}).first()
