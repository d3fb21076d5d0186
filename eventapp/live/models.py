"""LiveState: what the big screen of an event shows right now."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class ScreenMode(StrEnum):
    """What the big screen shows."""

    WELCOME = "welcome"
    AGENDA = "agenda"
    PITCH = "pitch"
    VOTE = "vote"
    RESULTS = "results"
    # A dress rehearsal runs (rehearsal/): the screen shows it over whatever it showed before.
    REHEARSAL = "rehearsal"
    WORDCLOUD = "wordcloud"
    QUESTIONS = "questions"  # the audience's questions (eventapp/questions)


class LiveState(db.Model):
    """One row per event. Every change bumps `version`, which screens and phones poll for.

    Kept in the database, not in a process, so that any number of app servers agree.
    """

    __tablename__ = "live_states"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default=ScreenMode.WELCOME)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    finalist_id: Mapped[int | None] = mapped_column(
        ForeignKey("finalists.id", ondelete="SET NULL"))
    pitch_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    word_cloud_id: Mapped[int | None] = mapped_column(
        ForeignKey("word_clouds.id", ondelete="SET NULL"))
    # How many places of the result the screen reveals (third, then second, then the winner).
    revealed: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
