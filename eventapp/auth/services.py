"""Users, organiser passwords and personal sign-in links."""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..errors import InvalidInput
from ..extensions import db
from ..mails import external_url, send_mail
from .models import ROLE_ORGANISER, ROLE_PARTICIPANT, User

log = logging.getLogger(__name__)

# Checked against when the email is unknown, so that both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """The form of an email address we store and compare: trimmed and lower-case."""
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def find_user_by_email(email: str) -> User | None:
    """The user with this email address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_or_create_participant(email: str, name: str, organisation: str, locale: str) -> User:
    """The participant with this email, created if new (joins the caller's transaction)."""
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(),
                    organisation=organisation.strip(), locale=locale, role=ROLE_PARTICIPANT)
        db.session.add(user)
        db.session.flush()
    return user


def create_organiser(email: str, password: str, name: str = "") -> User:
    """Create an organiser account, or make an existing user an organiser with this password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("The password needs at least %(count)d characters.",
                               count=MIN_PASSWORD_LENGTH))
    with write_transaction():
        user = find_user_by_email(email)
        if user is None:
            user = User(email=normalise_email(email), name=name or email.split("@")[0])
            db.session.add(user)
        user.role = ROLE_ORGANISER
        user.password_hash = generate_password_hash(password)
        db.session.flush()
        record(user, "organiser.created", email=user.email)
    log.info("organiser %s created or updated", user.id)
    return user


def authenticate_organiser(email: str, password: str) -> User | None:
    """The organiser with this email and password, or None (same work for either failure)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash or not user.is_organiser:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_sign_in_token(user: User, expires_at: datetime, single_use: bool) -> str:
    """A new random sign-in token for the user; it replaces (revokes) any earlier one.

    Joins the caller's transaction; the raw token is returned once and never stored.
    """
    token = secrets.token_urlsafe(32)  # 256 bits
    user.sign_in_token_hash = _hash_token(token)
    user.sign_in_token_expires_at = expires_at
    user.sign_in_token_single_use = single_use
    return token


def send_sign_in_link(email: str) -> None:
    """Mail a single-use sign-in link to a known address; do nothing for an unknown one."""
    user = find_user_by_email(email)
    if user is None:
        return
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    with write_transaction():
        token = issue_sign_in_token(user, utcnow() + timedelta(minutes=minutes), single_use=True)
    send_mail(user.email, user.locale, _l("Your sign-in link"), "sign_in_link", user=user,
              minutes=minutes, link=external_url("auth.sign_in_with_link", token=token))


def redeem_sign_in_token(token: str) -> User | None:
    """The user a valid sign-in token belongs to, or None; a single-use token is spent."""
    if not token or len(token) > 100:
        return None
    token_hash = _hash_token(token)
    with write_transaction():
        user = db.session.scalar(select(User).where(User.sign_in_token_hash == token_hash))
        if user is None or not hmac.compare_digest(user.sign_in_token_hash, token_hash):
            return None
        if user.sign_in_token_expires_at is None or user.sign_in_token_expires_at < utcnow():
            return None
        if user.is_organiser:  # organisers sign in with their password, never by a mailed link
            return None
        if user.sign_in_token_single_use:
            # Spend it with a conditional UPDATE: of two clicks at once, only one signs in.
            spent = db.session.execute(
                update(User)
                .where(User.id == user.id, User.sign_in_token_hash == token_hash)
                .values(sign_in_token_hash=None, sign_in_token_expires_at=None)
                .execution_options(synchronize_session=False))
            if spent.rowcount != 1:
                return None
    return user


def set_locale(user: User, locale: str) -> None:
    """Remember a signed-in user's language (used for pages and mails)."""
    if locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput()
    with write_transaction():
        user.locale = locale
