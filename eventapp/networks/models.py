"""Networks, who holds which role in a network or in one of its events, and invitations."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from ..database import UTCDateTime, utcnow
from ..extensions import db


class NetworkRole(StrEnum):
    """Roles in a network: a manager also manages its people; an organiser runs all its
    events."""

    MANAGER = "manager"
    ORGANISER = "organiser"


class EventRole(StrEnum):
    """Roles in one event (what each may do: access.py)."""

    CO_ORGANISER = "co_organiser"  # everything but deleting
    CHECKIN = "checkin"            # the desk and the participant list
    PRESENTER = "presenter"        # the live control
    JURY = "jury"                  # judges the applications of the call for finalists

DEFAULT_COLOUR = "#0b5d7a"  # the app's own accent (app.css): 7.0 : 1 with white


class Network(db.Model):
    """A cluster network: it runs meetings, keeps a hall of fame and brands its pages."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    # Buttons, the header bar and the big screen; white text must stay readable on it.
    colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_COLOUR,
                                        server_default=DEFAULT_COLOUR)
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_version: Mapped[int] = mapped_column(default=0, server_default="0")
    has_logo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Network {self.slug}>"


class NetworkMember(db.Model):
    """Someone's role in a network (one per person and network)."""

    __tablename__ = "network_members"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped["User"] = relationship()  # noqa: F821


class EventStaff(db.Model):
    """Someone's role in one event (one per person and event)."""

    __tablename__ = "event_staff"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped["User"] = relationship()  # noqa: F821


class StaffInvitation(db.Model):
    """A mailed link that gives its account a role once it is opened and a password set.

    Only the token's hash is kept; a new invitation for the same person and place, or
    revoking their role, ends it.
    """

    __tablename__ = "staff_invitations"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    network: Mapped["Network"] = relationship()
