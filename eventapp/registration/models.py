"""Registrations: one per user and event, with consent, waitlist and attendance mode; and the
registration forms that wait for their owner to confirm them (double opt-in)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

class Attendance(StrEnum):
    """How a participant of a hybrid meeting takes part."""

    IN_PERSON = "in_person"
    ONLINE = "online"


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.CONFIRMED)
    attendance_mode: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(20))
    public_listing: Mapped[bool] = mapped_column(default=False)
    # Waitlist order: the time someone joined it (ties broken by id).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Opened the stage page while the event ran: present online. Only that is recorded,
    # not when or for how long.
    present_online: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The desk handed this person a vote card; which one is recorded nowhere.
    vote_card_received: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The guest category of an invited person (member, guest, vip, press, speaker); None
    # for a registration of the general public.
    category: Mapped[str | None] = mapped_column(String(20))
    # The place is one of those reserved for the category (event_reserved_places.taken).
    reserved_place: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event"] = relationship()  # noqa: F821
    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def comes_in_person(self) -> bool:
        """Takes part at the venue: gets an entrance ticket (online: the stage page)."""
        return self.attendance_mode == Attendance.IN_PERSON

    @property
    def was_there(self) -> bool:
        """Took part: checked in at the venue or present on the stage page (attendance.py
        sets both); what a certificate of attendance needs (eventapp/certificates)."""
        return self.status == RegistrationStatus.CONFIRMED and (
            self.checked_in_at is not None or bool(self.present_online))

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class RegistrationRequest(db.Model):
    """A registration form waiting for the owner of its address to open the mailed link.

    It holds no place, seat or waitlist position and changes no account; opening the link
    applies it (registration.services.confirm_registration). Past `expires_at` it is ignored
    and, the next time anyone registers, deleted.
    """

    __tablename__ = "registration_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # normalised
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5))
    attendance_mode: Mapped[str] = mapped_column(String(20))
    public_listing: Mapped[bool] = mapped_column(default=False)
    consent_version: Mapped[str] = mapped_column(String(20))
    session_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Only a hash of the link's token is kept, as for sign-in links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    event: Mapped["Event"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<RegistrationRequest {self.id}>"


class ReservedPlace(db.Model):
    """Places of an event kept for one guest category: the general public's registrations
    count against the capacity minus the reserved places not yet taken."""

    __tablename__ = "event_reserved_places"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    places: Mapped[int] = mapped_column(default=0)
    # Kept by conditional UPDATEs, never recounted: confirmed registrations holding one.
    taken: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<ReservedPlace {self.event_id} {self.category} {self.taken}/{self.places}>"


class DeskQueue(db.Model):
    """How many check-ins a desk (one device, its own random id) had waiting when it last
    reached the server: the live control adds them up while the network is down."""

    __tablename__ = "desk_queues"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    desk: Mapped[str] = mapped_column(String(36), primary_key=True)
    waiting: Mapped[int] = mapped_column(default=0)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DeskQueue {self.event_id} {self.desk} {self.waiting}>"
