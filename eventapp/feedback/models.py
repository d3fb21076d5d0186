"""The survey of a meeting, its single-use links (no person), and the answers (no person,
no link, no time)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class FeedbackSurvey(db.Model):
    """One per meeting: two open questions, how long it stays open, whether presenters see
    the ratings, and when it was mailed (then it closes `days_open` days later)."""

    __tablename__ = "feedback_surveys"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    question_1: Mapped[str] = mapped_column(String(300))
    question_2: Mapped[str] = mapped_column(String(300))
    days_open: Mapped[int] = mapped_column(default=14)
    presenters_see_ratings: Mapped[bool] = mapped_column(default=False,
                                                         server_default=sa_false())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedbackToken(db.Model):
    """A single-use link's hash: it names no one, and answering deletes it."""

    __tablename__ = "feedback_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)


class FeedbackAnswer(db.Model):
    """One filled-in survey: the meeting's rating, the ratings by key ("a<agenda item id>",
    "s<breakout session id>"), the two open answers; a random id, nothing else."""

    __tablename__ = "feedback_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    meeting: Mapped[int | None] = mapped_column()
    ratings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    answer_1: Mapped[str] = mapped_column(Text, default="")
    answer_2: Mapped[str] = mapped_column(Text, default="")
