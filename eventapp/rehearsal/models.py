"""A running rehearsal and what each phone and screen measured: nothing about a person.

Both tables hold rows only while the rehearsal runs; ending it deletes them.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class DeviceKind(StrEnum):
    """Who measured: a phone in the hall, or a big screen."""

    PHONE = "phone"
    SCREEN = "screen"


class PracticeAnswer(StrEnum):
    """The practice question's answers: how well one sees the big screen from one's seat."""

    WELL = "well"
    POORLY = "poorly"


class Advice(StrEnum):
    """What the live control advises after the rehearsal."""

    VOTE_CARDS = "vote_cards"  # for the phones that struggled
    WIFI = "wifi"  # too many phones were slow
    BIGGER_QR = "bigger_qr"  # people see the screen poorly
    STREAM = "stream"  # the screen followed late, or not at all


class Rehearsal(db.Model):
    """The event's running rehearsal; `opened_at`: when the practice question opened."""

    __tablename__ = "rehearsals"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RehearsalDevice(db.Model):
    """One phone's (or screen's) measurements, under the random id its page was given.

    No user, no address, no user agent, no time of day: milliseconds and the answer only.
    """

    __tablename__ = "rehearsal_devices"
    __table_args__ = (UniqueConstraint("event_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("rehearsals.event_id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10), default=DeviceKind.PHONE)
    # From the scan (the page's navigation start) until the ballot was shown.
    ballot_ms: Mapped[int | None]
    # The practice vote's round trip, as the phone measured it.
    vote_ms: Mapped[int | None]
    # From the practice question's opening until this device saw it open (server's clock).
    seen_ms: Mapped[int | None]
    answer: Mapped[str | None] = mapped_column(String(10))
