"""Flask extensions: created here without an app, bound to it in create_app."""

import hashlib

from email_validator import EmailNotValidError, validate_email
from flask import g, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so that Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
mail = Mail()
# Redis down or restarting must fail no request, least of all a vote: the limits then count
# in each process's memory (one warning in the log) until Redis answers again.
limiter = Limiter(key_func=get_remote_address, in_memory_fallback_enabled=True,
                  swallow_errors=True)


def failed_attempt(response) -> bool:
    """`deduct_when` of the limits on vote cards and sign-in links: they carry 80 random bits
    or more, so guessing is hopeless at any rate, while a hall behind the venue's one address
    opens hundreds in the first minute of a vote. Only wrong ones count against the address."""
    return response.status_code >= 400 or g.get("wrong_link", False)


def user_or_address() -> str:
    """Rate-limit key for signed-in actions: the user, not the address.

    A whole conference hall may share one public address (the venue's Wi-Fi).
    """
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# How many mails the public forms (registration, the call for finalists) may send to one
# address, whoever sends the forms: posts from many addresses naming one victim's mailbox
# must not flood it (the sign-in link has its own limit per address asked for).
MAILS_TO_ONE_ADDRESS = "3 per minute;10 per hour"


def mail_recipient(field: str):
    """A rate-limit key: the address a public form mails to, in one spelling (case, spaces and
    a Unicode domain aside), hashed; shared by every form that sets the scope "mail-to"."""

    def key() -> str:
        entered = request.form.get(field, "").strip()
        try:
            address = validate_email(entered, check_deliverability=False)
            entered = f"{address.local_part}@{address.ascii_domain}"
        except EmailNotValidError:
            pass
        return "mail-to:" + hashlib.sha256(entered.lower().encode()).hexdigest()[:16]

    return key


def mail_queued(response) -> bool:
    """`deduct_when` of MAILS_TO_ONE_ADDRESS: only a form that was taken (it redirects) mailed;
    one refused for its input counts nothing against the address."""
    return response.status_code in (302, 303)
