"""Users: participants (sign in with a personal link) and organisers (password)."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false as sa_false

from ..database import UTCDateTime, utcnow
from ..extensions import db


class AccountRole(StrEnum):
    """What kind of account: a participant signs in with links, an organiser with a password
    (and may hold roles, networks/access.py)."""

    PARTICIPANT = "participant"
    ORGANISER = "organiser"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # auth.services.normalise_email
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # The page's language at sign-up, or the one picked in the language switch; only the
    # latter (locale_chosen) outranks a meeting's main language in the mails about it.
    locale: Mapped[str] = mapped_column(String(5), default="de")
    locale_chosen: Mapped[bool] = mapped_column(default=False, server_default=false())
    role: Mapped[str] = mapped_column(String(20), default=AccountRole.PARTICIPANT)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Creates networks and may do everything everywhere (the first organiser, made by the CLI).
    is_platform_admin: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Only a hash of the sign-in token is kept; issuing a new token overwrites (revokes) the old.
    sign_in_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    sign_in_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_in_token_single_use: Mapped[bool] = mapped_column(default=False)
    # Copied into the session at sign-in; a session with an older number is over. Signing
    # out and a new password count it up, which ends every copy of every session.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_organiser(self) -> bool:
        """Signs in with a password and may hold roles in networks and events (networks/)."""
        return self.role == AccountRole.ORGANISER

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
