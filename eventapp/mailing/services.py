"""Queueing bulk mail and delivering it in batches, with retries and back-off."""

import logging
from datetime import timedelta

from flask_mail import Message
from sqlalchemy import insert, select, update

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..extensions import db
from ..mails import deliver, render_mail
from .models import MAIL_FAILED, MAIL_QUEUED, MAIL_SENT, OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue_mails(actor, event, kind: str, users, subject, template: str,
                attachment_for=None, **context) -> int:
    """Queue one mail per user, each in the user's language; returns how many.

    Without per-person attachments a mail is rendered once per language, not per person,
    so that even thousands of recipients cost a web request little more than the inserts.
    `attachment_for(user)` returns (filename, content type, bytes) or None.
    """
    rendered: dict[str, Message] = {}
    rows = []
    for user in users:
        attachment = attachment_for(user) if attachment_for else None
        if attachment or user.locale not in rendered:
            message = render_mail(user.email, user.locale, subject, template,
                                  user=user, event=event, **context)
            if attachment is None:
                rendered[user.locale] = message
        else:
            message = rendered[user.locale]
        rows.append({"event_id": event.id if event else None, "kind": kind,
                     "recipient": user.email, "subject": message.subject,
                     "body_text": message.body, "body_html": message.html,
                     "attachment_name": attachment[0] if attachment else None,
                     "attachment_type": attachment[1] if attachment else None,
                     "attachment": attachment[2] if attachment else None,
                     "status": MAIL_QUEUED, "attempts": 0, "next_attempt_at": utcnow(),
                     "last_error": "", "created_at": utcnow()})
    with write_transaction():
        if rows:
            db.session.execute(insert(OutgoingMail), rows)
        record(actor, f"mail.{kind}", event.id if event else None, recipients=len(rows))
    return len(rows)


def _message(mail: OutgoingMail) -> Message:
    message = Message(subject=mail.subject, recipients=[mail.recipient], body=mail.body_text,
                      html=mail.body_html)
    if mail.attachment is not None:
        message.attach(mail.attachment_name, mail.attachment_type, mail.attachment)
    return message


def deliver_queued(batch_size: int = 50) -> tuple[int, int]:
    """Send one batch of due mails; returns (sent, failed this round).

    A failed batch is retried later with growing pauses; after MAX_ATTEMPTS a mail is
    marked failed. Rows are claimed with SKIP LOCKED on PostgreSQL, so that several
    workers can run side by side.
    """
    query = (select(OutgoingMail).where(OutgoingMail.status == MAIL_QUEUED,
                                        OutgoingMail.next_attempt_at <= utcnow())
             .order_by(OutgoingMail.id).limit(batch_size))
    with write_transaction():
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        batch = list(db.session.scalars(query))
        if not batch:
            return 0, 0
        try:
            deliver([_message(mail) for mail in batch])
        except Exception as error:  # noqa: BLE001 (any SMTP trouble: retry later)
            log.warning("mail batch failed: %s", error)
            for mail in batch:
                mail.attempts += 1
                mail.last_error = str(error)[:500]
                mail.next_attempt_at = utcnow() + timedelta(minutes=2 ** mail.attempts)
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.status = MAIL_FAILED
            return 0, len(batch)
        db.session.execute(update(OutgoingMail).where(
            OutgoingMail.id.in_([mail.id for mail in batch]))
            .values(status=MAIL_SENT, sent_at=utcnow(), attempts=OutgoingMail.attempts + 1)
            .execution_options(synchronize_session=False))
    return len(batch), 0


def queue_counts(event_id: int) -> dict[str, int]:
    """How many mails of an event are queued, sent and failed."""
    rows = db.session.execute(select(OutgoingMail.status, db.func.count())
                              .where(OutgoingMail.event_id == event_id)
                              .group_by(OutgoingMail.status)).all()
    return {status: count for status, count in rows}
