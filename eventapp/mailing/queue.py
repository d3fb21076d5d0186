"""Queueing mail: every mail is one row in outgoing_mails, rendered for its recipient alone
and delivered by send.py (see there for when); and what the queue holds about a person."""

from sqlalchemy import delete, insert, select

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..extensions import db
from .compose import ComposedMail, render_mail
from .models import MailStatus, OutgoingMail
from .send import deliver_after_response


def queue_mail(kind: str, user, subject, template: str, *, event=None, attachment=None,
               locale: str | None = None, **context) -> None:
    """Queue one mail to one person in their language (`mail_locale`, or `locale` when the
    sender chose it, as for an invitation); joins the caller's transaction.

    In a web request it leaves right after the response. `attachment` is (filename,
    content type, bytes) or None.
    """
    composed = render_mail(locale or mail_locale(user, event), subject, template, attachment,
                           user=user, event=event, **context)
    mail = OutgoingMail(**_row(kind, user, event, composed))
    with write_transaction():
        db.session.add(mail)
        db.session.flush()
        mail_id = mail.id
    deliver_after_response(mail_id)


def queue_mails(actor, event, kind: str, users, subject, template: str,
                attachment_for=None, context_for=None, **context) -> int:
    """Queue one mail per user, rendered for that person alone in their language (`mail_locale`);
    returns how many.

    `attachment_for(user)` returns (filename, content type, bytes) or None; `context_for(user)`
    what the template knows of that person beyond `user`. The worker sends them: so many mails
    would hold a web worker too long.
    """
    rows = compose_rows(event, kind, users, subject, template, attachment_for, context_for,
                        **context)
    with write_transaction():
        if rows:
            db.session.execute(insert(OutgoingMail), rows)
        record(actor, f"mail.{kind}", event.id if event else None, recipients=len(rows))
    return len(rows)


def compose_rows(event, kind: str, users, subject, template: str, attachment_for=None,
                 context_for=None, **context) -> list[dict]:
    """The rows of outgoing_mails for one mail per user (see queue_mails), not inserted yet:
    what a bulk job (jobs.py) makes."""
    return [_row(kind, user, event, render_mail(
                mail_locale(user, event), subject, template,
                attachment_for(user) if attachment_for else None,
                user=user, event=event, **context, **(context_for(user) if context_for else {})))
            for user in users]


def mail_locale(user, event=None) -> str:
    """The language of a mail to `user`: the one they chose (in the switch, or their
    registration page's when that was not the meeting's); else, for a mail about a meeting,
    the meeting's main language; else the one their account was made in."""
    if event is not None and not user.locale_chosen:
        return event.language
    return user.locale


def _row(kind: str, user, event, composed: ComposedMail) -> dict:
    attachment = composed.attachment or (None, None, None)
    return {"event_id": event.id if event else None, "user_id": user.id, "kind": kind,
            "recipient": user.email,
            "subject": composed.subject, "body_text": composed.text, "body_html": composed.html,
            "attachment_name": attachment[0], "attachment_type": attachment[1],
            "attachment": attachment[2], "status": MailStatus.QUEUED, "attempts": 0,
            "next_attempt_at": utcnow(), "last_error": "", "created_at": utcnow()}


def queue_counts(event_id: int) -> dict[str, int]:
    """How many mails of an event are queued, sent and failed."""
    rows = db.session.execute(select(OutgoingMail.status, db.func.count())
                              .where(OutgoingMail.event_id == event_id)
                              .group_by(OutgoingMail.status)).all()
    return {status: count for status, count in rows}


def mails_to(user) -> list[dict]:
    """What the queue keeps about the user's mails, for their data download.

    A sent mail is only its kind, subject, status and times; one still waiting has its
    address and text too.
    """
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == user.id)
                               .order_by(OutgoingMail.id))
    return [{"kind": mail.kind, "subject": mail.subject, "status": mail.status,
             "queued_at": mail.created_at, "sent_at": mail.sent_at,
             **({"recipient": mail.recipient, "text": mail.body_text,
                 "attachment": mail.attachment_name} if mail.body_text is not None else {})}
            for mail in mails]


def delete_mails_to(user) -> None:
    """Delete every mail to the user, sent or waiting (joins the caller's transaction)."""
    with write_transaction():
        db.session.execute(delete(OutgoingMail).where(OutgoingMail.user_id == user.id))
