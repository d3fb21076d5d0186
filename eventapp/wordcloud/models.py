"""A word cloud's question, who answered (a keyed hash, never the person), and the answers.

As with ballots (awards/mixing.py), an answer waits in an inbox beside the mark that its
writer answered and is moved out in shuffled batches under a new random id, so that no
reader of the database can pair the two by xmin or by physical order.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class CloudStatus(StrEnum):
    """A word cloud's life: draft → open (answers taken) → closed."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class WordCloud(db.Model):
    __tablename__ = "word_clouds"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    question: Mapped[str] = mapped_column(String(200))
    # How many words each participant gives (1 to 3).
    max_words: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(String(20), default=CloudStatus.DRAFT)
    # Kept counts: answers taken, and a version that grows whenever what the screen draws
    # changes (a batch moved out of the inbox, an answer hidden or shown again).
    answers_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CloudParticipation(db.Model):
    """That someone answered: a keyed hash of the cloud and the person (HMAC with the app's
    secret key), so one answer per person is a primary key, and no column names them."""

    __tablename__ = "cloud_participations"

    cloud_id: Mapped[int] = mapped_column(ForeignKey("word_clouds.id", ondelete="CASCADE"),
                                          primary_key=True)
    voter: Mapped[str] = mapped_column(String(64), primary_key=True)


class CloudInboxAnswer(db.Model):
    """An answer waiting to be mixed: written in the answer's transaction."""

    __tablename__ = "cloud_inbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cloud_id: Mapped[int] = mapped_column(ForeignKey("word_clouds.id", ondelete="CASCADE"),
                                          index=True)
    words: Mapped[list[str]] = mapped_column(JSON)


class CloudAnswer(db.Model):
    """A mixed answer: its words, whether the organiser hid it; no person, no time."""

    __tablename__ = "cloud_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cloud_id: Mapped[int] = mapped_column(ForeignKey("word_clouds.id", ondelete="CASCADE"),
                                          index=True)
    words: Mapped[list[str]] = mapped_column(JSON)
    hidden: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
