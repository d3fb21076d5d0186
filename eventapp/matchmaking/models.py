"""The meeting's topics, who is on its list of participants (opted in), and requests."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingTopics(db.Model):
    """The topics a meeting's participants choose from (the organiser's list)."""

    __tablename__ = "meeting_topics"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)


class ParticipantProfile(db.Model):
    """A participant on the meeting's list: the row exists only while they opt in."""

    __tablename__ = "participant_profiles"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    offers: Mapped[str] = mapped_column(String(300), default="")
    looks_for: Mapped[str] = mapped_column(String(300), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped["Registration"] = relationship()  # noqa: F821


class MeetingRequest(db.Model):
    """One participant asks another for a meeting (once per pair and direction)."""

    __tablename__ = "meeting_requests"
    __table_args__ = (UniqueConstraint("sender_id", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    # When they meet, as the sender proposed it (optional, within the meeting): once
    # accepted, both have it in their calendar file.
    meets_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped["Registration"] = relationship(foreign_keys=[sender_id])  # noqa: F821
    recipient: Mapped["Registration"] = relationship(foreign_keys=[recipient_id])  # noqa: F821
