"""Parallel breakout sessions and the seats participants hold in them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class ChoiceStatus(StrEnum):
    """A participant's choice of a session: a seat, or a place on its waitlist."""

    SEATED = "seated"
    WAITLISTED = "waitlisted"


class BreakoutSession(db.Model):
    __tablename__ = "breakout_sessions"
    __table_args__ = (
        # The last line of defence: even a buggy code path cannot overbook.
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity",
                        name="seats_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: an agenda slot that still has sessions cannot be deleted by accident.
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int]
    # Where the session takes place in the venue (its slot's room when empty).
    room: Mapped[str] = mapped_column(String(200), default="")
    # The video room of an online or hybrid session: shown only to who holds a seat in it,
    # from shortly before the slot until its end (services.room_links_for).
    room_url: Mapped[str] = mapped_column(String(500), default="")
    # Kept by conditional UPDATEs (never read-then-write), so it is never recounted per request.
    seats_taken: Mapped[int] = mapped_column(default=0)

    slot: Mapped["AgendaItem"] = relationship()  # noqa: F821

    @property
    def place(self) -> str:
        """Where the session takes place: its own room, else its slot's."""
        return self.room or self.slot.room

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def __repr__(self) -> str:
        return f"<BreakoutSession {self.id} {self.seats_taken}/{self.capacity}>"


class BreakoutChoice(db.Model):
    """A registration's seat (or waitlist place) in one session; at most one per slot."""

    __tablename__ = "breakout_choices"
    __table_args__ = (UniqueConstraint("registration_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Breakouts sit below registration: they know the registration only by its id.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the session so that the unique constraint can enforce one per slot.
    slot_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("breakout_sessions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ChoiceStatus.SEATED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped["BreakoutSession"] = relationship()

    def __repr__(self) -> str:
        return f"<BreakoutChoice {self.registration_id}->{self.session_id} {self.status}>"
