"""What the desk did while offline and sent later: each action once, by its own id."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class DeskActionKind(StrEnum):
    CHECK_IN = "check_in"
    CARD = "card"


class DeskOutcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"  # at another desk: counted once
    CARD_HANDED_OUT = "card_handed_out"
    HAS_CARD = "has_card"
    NOT_CHECKED_IN = "not_checked_in"
    VOTED_BY_LINK = "voted_by_link"  # the card is refused: it would vote a second time


# What the server did not do as the desk had done it offline.
REFUSALS = frozenset({DeskOutcome.HAS_CARD, DeskOutcome.NOT_CHECKED_IN, DeskOutcome.VOTED_BY_LINK})


class DeskAction(db.Model):
    """A queued desk action the server has answered, kept so that sending it again (the
    answer got lost) gives the same answer and changes nothing."""

    __tablename__ = "desk_actions"

    # The desk's own random id for the action (a UUID).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(30))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DeskAction {self.id} {self.kind} {self.outcome}>"
