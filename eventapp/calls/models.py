"""A call for finalists per event, its applications, its jury and the jury's scores."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class ApplicationStatus(StrEnum):
    """Where an application to the call for finalists stands."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # made a finalist
    DECLINED = "declined"  # not on the shortlist when the finalists were chosen


class Call(db.Model):
    """The call for finalists of one event: when it is open, what it asks, how it is scored.

    `questions` is a list of texts; `criteria` a list of {"key", "name", "weight", "max"}
    (the key stays with a criterion, so stored scores keep their meaning).
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          unique=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: open at once
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    intro: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    scoring_closed: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Set when the shortlist became finalists: that happens once.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Call {self.id} event={self.event_id}>"


class CallApplication(db.Model):
    """One cluster's application: what the form asked, its logo, and what became of it."""

    __tablename__ = "call_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    project_title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))  # auth.services.normalise_email
    locale: Mapped[str] = mapped_column(String(5), default="de")
    answers: Mapped[list] = mapped_column(JSON, default=list)  # one text per question
    # Re-encoded PNG (eventapp/images.py), deferred so that lists do not load it.
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    has_logo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    finalist_id: Mapped[int | None] = mapped_column(
        ForeignKey("finalists.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped["Call"] = relationship()

    def __repr__(self) -> str:
        return f"<CallApplication {self.id} {self.organisation!r}>"


class JuryScore(db.Model):
    """One juror's scores for one application: {criterion key: points}."""

    __tablename__ = "jury_scores"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("call_applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
