"""How a meeting's breakout seats are given (first come or ranked), and the rankings."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class AllocationMode(StrEnum):
    FIRST_COME = "first_come"  # choose a seat, as long as one is free (breakouts.choose)
    RANKED = "ranked"          # rank the sessions by a deadline; the organiser allocates


class BreakoutAllocation(db.Model):
    """A meeting's way of giving breakout seats; no row: first come, first served."""

    __tablename__ = "breakout_allocations"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default=AllocationMode.FIRST_COME)
    # Rankings are taken until then (None: until the allocation is published).
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The seed of the last run the organiser saw; publishing allocates with it.
    seed: Mapped[int | None]
    # Set once, by a conditional UPDATE: from then on the slots are first come again.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def ranking(self) -> bool:
        """Seats are held back for the allocation (ranked and not yet published)."""
        return self.mode == AllocationMode.RANKED and self.published_at is None


class BreakoutRanking(db.Model):
    """One session in a registration's ranking of a slot (rank 1 = first choice)."""

    __tablename__ = "breakout_rankings"
    __table_args__ = (UniqueConstraint("registration_id", "slot_id", "rank"),)

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("breakout_sessions.id", ondelete="CASCADE"), primary_key=True, index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    rank: Mapped[int]
