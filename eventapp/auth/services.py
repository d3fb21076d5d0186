"""Users, organiser passwords and personal sign-in links."""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..errors import InvalidInput
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from ..mailing.send import ensure_deliverable
from .models import AccountRole, User

log = logging.getLogger(__name__)

# Checked against when the email is unknown, so that both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10
ANONYMOUS_NAME = "—"
# The session's copy of User.session_generation, written at sign-in.
SESSION_GENERATION = "session_generation"


class InvalidEmail(InvalidInput):
    default_message = _l("Please enter a valid email address.")


def normalise_email(email: str) -> str:
    """The one form of an address that we store, compare and mail to.

    As email-validator normalises (ASCII domain, so punycode and Unicode spellings and an
    ideographic full stop as the dot are one domain; NFC local part), and lower-cased
    throughout, as this app always compared addresses. Every lookup and the unique key of
    `users.email` use it; a migration brought the addresses stored before into this form.
    """
    try:
        address = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail() from error
    return f"{address.local_part.lower()}@{address.ascii_domain.lower()}"


def get_user(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def end_sessions(user: User) -> None:
    """End every session of the user, on every device and every copy of its cookie."""
    with write_transaction():
        db.session.execute(
            update(User).where(User.id == user.id)
            .values(session_generation=User.session_generation + 1)
            .execution_options(synchronize_session=False))


def users_by_name(user_ids) -> list[User]:
    """The users with these ids, ordered by name."""
    return list(db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.name)))


def find_user_by_email(email: str) -> User | None:
    """The user with this email address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def locales_of(emails: list[str]) -> dict[str, str]:
    """{address: the account's locale} for those of these (normalised) addresses that have
    an account, in one query (a guest list of 5,000 rows asks once, not 5,000 times)."""
    if not emails:
        return {}
    return dict(db.session.execute(select(User.email, User.locale).where(
        User.email.in_(emails))).all())


def get_or_create_participant(email: str, name: str, organisation: str, locale: str,
                              locale_chosen: bool = False) -> User:
    """The participant with this email, created if new (joins the caller's transaction);
    `locale_chosen`: `locale` was the reader's (their switch's or their browser's), not merely
    the meeting's. An existing account that has chosen none yet keeps such a locale."""
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(),
                    organisation=organisation.strip(), locale=locale,
                    locale_chosen=locale_chosen, role=AccountRole.PARTICIPANT)
        db.session.add(user)
        db.session.flush()
    elif locale_chosen and not user.locale_chosen:
        user.locale, user.locale_chosen = locale, True
    return user


def delete_user(user: User) -> None:
    """Delete a user's account row; joins the caller's transaction (which removes what hangs
    on it first)."""
    with write_transaction():
        db.session.execute(delete(User).where(User.id == user.id))


def anonymise_participants(user_ids) -> int:
    """Replace name, organisation, email and sign-in link of the participants among
    `user_ids` (a subquery) by placeholders; returns how many were changed.

    Joins the caller's transaction. Organisers and people anonymised already stay as they are.
    """
    with write_transaction():
        result = db.session.execute(
            update(User)
            .where(User.id.in_(user_ids), User.role == AccountRole.PARTICIPANT,
                   User.name != ANONYMOUS_NAME)
            .values(name=ANONYMOUS_NAME, organisation="", sign_in_token_hash=None,
                    sign_in_token_expires_at=None,
                    email=("anonymous-" + User.id.cast(db.String) + "@invalid"))
            .execution_options(synchronize_session=False))
    return result.rowcount


def create_organiser(email: str, password: str, name: str = "",
                     platform_admin: bool = True) -> User:
    """Create an organiser account, or make an existing user an organiser with this password.

    From the command line it is a platform admin: it creates networks and invites the rest.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("The password needs at least %(count)d characters.",
                               count=MIN_PASSWORD_LENGTH))
    with write_transaction():
        user = find_user_by_email(email)
        if user is None:
            user = User(email=normalise_email(email), name=name or email.split("@")[0])
            db.session.add(user)
        else:
            user.session_generation += 1  # a new password ends the sessions of the old one
        user.role = AccountRole.ORGANISER
        user.is_platform_admin = user.is_platform_admin or platform_admin
        user.password_hash = generate_password_hash(password)
        db.session.flush()
        record(user, "organiser.created", email=user.email)
    log.info("organiser %s created or updated", user.id)
    return user


def ensure_staff_account(email: str, name: str, locale: str) -> User:
    """The account with this address, created without a password if new (it cannot sign in
    before its invitation is accepted); joins the caller's transaction."""
    user = find_user_by_email(email)
    if user is None:
        address = normalise_email(email)
        user = User(email=address, name=name.strip() or address.split("@")[0], locale=locale)
        db.session.add(user)
        db.session.flush()
    return user


def set_staff_password(user: User, name: str, password: str) -> None:
    """Make the account a staff account with this password (and name, if given): it signs in
    with the password from now on, not with links. Joins the caller's transaction."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("The password needs at least %(count)d characters.",
                               count=MIN_PASSWORD_LENGTH))
    with write_transaction():
        if name.strip():
            user.name = name.strip()
        user.role = AccountRole.ORGANISER
        user.password_hash = generate_password_hash(password)
        user.session_generation += 1  # a new password ends the sessions of the old one
        user.sign_in_token_hash = None


def authenticate_organiser(email: str, password: str) -> User | None:
    """The organiser with this email and password, or None (same work for either failure)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash or not user.is_organiser:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def hash_token(token: str) -> str:
    """What is stored of a mailed token: its SHA-256, so the database alone opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new random token for a mailed link (256 bits) and the hash to store of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def issue_sign_in_token(user: User, expires_at: datetime, single_use: bool) -> str:
    """A new random sign-in token for the user; it replaces (revokes) any earlier one.

    Joins the caller's transaction; the raw token is returned once and never stored.
    """
    token, user.sign_in_token_hash = new_token()
    user.sign_in_token_expires_at = expires_at
    user.sign_in_token_single_use = single_use
    return token


def send_sign_in_link(email: str, next_page: str | None = None) -> None:
    """Queue a single-use sign-in link for a known address; do nothing for an unknown one.
    `next_page`: a path on this site the link leads to once it has signed in."""
    ensure_deliverable(email)  # refused whether known or not: tells nobody who is
    user = find_user_by_email(email)
    if user is None:
        return
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    with write_transaction():
        token = issue_sign_in_token(user, utcnow() + timedelta(minutes=minutes), single_use=True)
        queue_mail("sign_in_link", user, _l("Your sign-in link"), "sign_in_link",
                   minutes=minutes, link=external_url("auth.sign_in_with_link", token=token,
                                                    next=next_page))


def redeem_sign_in_token(token: str) -> User | None:
    """The user a valid sign-in token belongs to, or None; a single-use token is spent."""
    if not token or len(token) > 100:
        return None
    token_hash = hash_token(token)
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
    """Remember the language a signed-in user chose in the switch (for pages and mails)."""
    if locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput()
    with write_transaction():
        user.locale = locale
        user.locale_chosen = True
