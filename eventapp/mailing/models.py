"""OutgoingMail: one queued message, rendered for its recipient in their language.

What is kept: until a mail is delivered (or given up), everything needed to send it. Then
its address, bodies and attachment are deleted; kind, subject, event, status and times
stay, which is what the organiser's counts and the person's data download show. The
address is not needed after sending (the person's own row in users has it, and nothing
here handles bounces), so keeping a copy would only outlive an anonymised account.
`user_id` ties each mail to its person for the download and the account deletion.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str | None] = mapped_column(String(254))  # None once sent or given up
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)  # None once sent or given up
    body_html: Mapped[str | None] = mapped_column(Text)  # None once sent or given up
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bulk job (MailJob) this mail was made by, for its progress; None for a single mail.
    job_id: Mapped[int | None] = mapped_column(index=True)


class MailJob(db.Model):
    """A bulk mail the worker makes (renders one mail per person) and sends: the organiser's
    request only inserts this row. One per kind and poll (the unique key), so a second click
    queues nothing. See mailing/jobs.py."""

    __tablename__ = "mail_jobs"
    __table_args__ = (UniqueConstraint("kind", "poll_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))
    poll_id: Mapped[int | None]
    # Which worker is making its mails (a random token), and since when; a claim older than
    # JOB_CLAIM_MINUTES is taken over (that worker died before it finished).
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many mails it made: None until the worker made them (in the same transaction).
    total: Mapped[int | None]
    done: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
