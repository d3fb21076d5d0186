"""Audience questions, their upvotes and each event's settings for them.

An anonymous question keeps nothing of its asker: no user, no card, no time. An upvote is
one row keyed by a token derived from the app's secret key, the question and the person, so
the database enforces one upvote per person and question while a reader of the database
alone can neither tell whose upvote it is nor link two upvotes of the same person.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

MAX_QUESTION_LENGTH = 300
MAX_NAME_LENGTH = 80


class QuestionStatus(StrEnum):
    """Where a question stands in moderation."""

    PENDING = "pending"      # asked, seen only by the moderators
    APPROVED = "approved"    # on the screen and the phones
    ANSWERING = "answering"  # being answered now: highlighted (one per event)
    ANSWERED = "answered"
    HIDDEN = "hidden"        # never shown
    MERGED = "merged"        # a duplicate, its upvotes moved to `merged_into`


STATUS_LABELS = {QuestionStatus.PENDING: _l("New"), QuestionStatus.APPROVED: _l("Shown"),
                 QuestionStatus.ANSWERING: _l("Being answered"),
                 QuestionStatus.ANSWERED: _l("Answered"), QuestionStatus.HIDDEN: _l("Hidden"),
                 QuestionStatus.MERGED: _l("Merged")}

#: the statuses the public sees (screen, phones, stage page)
PUBLIC_STATUSES = (QuestionStatus.ANSWERING, QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


class Naming(StrEnum):
    """Whether askers give their name, as the organiser allows per event."""

    NAMED_OR_ANONYMOUS = "either"
    NAMED = "named"
    ANONYMOUS = "anonymous"


class QuestionSettings(db.Model):
    """An event's choices for audience questions (the defaults until an organiser saves)."""

    __tablename__ = "question_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    open: Mapped[bool] = mapped_column(default=True)
    moderated: Mapped[bool] = mapped_column(default=True)
    naming: Mapped[str] = mapped_column(String(20), default=Naming.NAMED_OR_ANONYMOUS)


class Question(db.Model):
    """A question of the audience, for one agenda item or for the whole meeting."""

    __tablename__ = "questions"
    __table_args__ = (CheckConstraint("upvotes >= 0", name="ck_questions_upvotes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    # The name the asker chose to show; None for an anonymous question (then nothing of the
    # asker is stored).
    author_name: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.PENDING, index=True)
    upvotes: Mapped[int] = mapped_column(default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"))

    agenda_item = relationship("AgendaItem")


class QuestionUpvote(db.Model):
    """One upvote: the token (keyed hash of question and person) is the primary key."""

    __tablename__ = "question_upvotes"

    token: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True)
