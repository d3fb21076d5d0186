"""The password sign-in's limit per account, and the devices it does not hold up.

The login route has a limit per address (10 a minute); guessing from many addresses meets
this one: an account takes ACCOUNT_LIMIT wrong passwords from devices that never signed in
to it, then refuses with a message for the rest of the window. So that an attacker cannot
use it to lock the owner out, a device that signed in to the account before carries a
signed cookie naming the account (a hash of its address), and is not held up by it (the
limit per address still holds for it). Nothing is stored in the database: the limit lives in
the rate limiter's storage (Redis in production) and expires with its window.
"""

import hashlib

from flask import current_app, request
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import DomainError
from .services import normalise_email

ACCOUNT_LIMIT = "10 per 15 minutes"
DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 400  # about as long as browsers keep a cookie
MAX_ACCOUNTS_PER_DEVICE = 5  # a shared computer at the desk


def _account(email: str) -> str:
    try:
        email = normalise_email(email)
    except DomainError:  # an invalid address is an account nobody has
        email = email.strip().lower()
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def account_key() -> str:
    """The limit's key: the account (its address as typed into the form)."""
    return "login-account:" + _account(request.form.get("email", ""))


def wrong_password(response) -> bool:
    """Only wrong passwords count against the account (`deduct_when`)."""
    return response.status_code == 401


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _known_accounts() -> list[str]:
    try:
        accounts = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return accounts if isinstance(accounts, list) else []


def known_device() -> bool:
    """Whether this device signed in to the account of the form before (`exempt_when`)."""
    return _account(request.form.get("email", "")) in _known_accounts()


def remember_device(response, email: str):
    """After a successful sign-in: the device is known to the account from now on."""
    account = _account(email)
    accounts = [account] + [known for known in _known_accounts() if known != account]
    response.set_cookie(
        DEVICE_COOKIE, _serializer().dumps(accounts[:MAX_ACCOUNTS_PER_DEVICE]),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/auth/")
    return response


def too_many_wrong_passwords() -> str:
    """The limit's message (error_message), in the reader's language."""
    return gettext("Too many wrong passwords for this account. For its safety, signing in to "
                   "it from a new device is paused for up to 15 minutes; a device that signed "
                   "in to it before still can.")
