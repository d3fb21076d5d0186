"""Sending mail: the batch worker that empties the queue, over SMTP or into an outbox folder.

How mail leaves. A web request never talks to the mail server: it only inserts rows into
outgoing_mails (queue.py). So a slow or dead server neither makes an answer slower for
a known address than for an unknown one, nor turns a saved registration into a 500. The
mails a request queued for one person (confirmation, sign-in link, ...) are delivered
right after its response has been sent (`response.call_on_close`), so they arrive at
once without a worker in development and tests; what fails there stays queued for the
worker's retries. Production leaves every mail to `flask mail deliver --loop` by default
(MAIL_DELIVER_AFTER_RESPONSE = False): a sync web worker that delivers after its response
is busy meanwhile, so the next request it takes would wait for the mail server, which
again tells an attacker timing that request that the last address was known. Bulk mails
(voting link, result, the organiser's message, reminders) are always left to the worker:
thousands of them would hold a web worker for minutes.

deliver_queued claims due rows in one short transaction and moves their next attempt into
the future (a crash while sending means a retry later, never a lost mail; on PostgreSQL
SKIP LOCKED lets several workers and requests claim side by side, never the same row),
talks to the server outside any transaction (a slow server never holds SQLite's write
lock), and records each mail's outcome in a second transaction.

Messages are built with the standard library and sent by smtplib with Flask-Mail's MAIL_*
settings: Flask-Mail's own Message cannot encode an address such as müller@example.org,
and its connection has no timeout (MAIL_TIMEOUT). Such an address goes out with SMTPUTF8.
Whether the server offers that is configured (MAIL_SMTPUTF8), not asked for in a request:
without it, ensure_deliverable refuses such an address up front, before anything is saved.
If the server still refuses one, the mail stays queued and is retried like any failure.
"""

import logging
import os
import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import after_this_request, current_app, g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..database import utcnow, write_transaction
from ..errors import InvalidInput
from ..extensions import db
from .models import MailStatus, OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class UndeliverableAddress(InvalidInput):
    default_message = _l("We cannot send mail to an address with characters such as ü before "
                         "the @. Please use another address.")


def ensure_deliverable(address: str) -> None:
    """Refuse an address whose part before the @ needs SMTPUTF8 when the server lacks it."""
    if not address.rpartition("@")[0].isascii() and not current_app.config["MAIL_SMTPUTF8"]:
        raise UndeliverableAddress()


def deliver_after_response(mail_id: int) -> None:
    """Deliver this queued mail once the current response has been sent (web requests only)."""
    if not has_request_context() or not current_app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
        return
    if "mails_after_response" not in g:
        g.mails_after_response = []
        after_this_request(_deliver_when_closed)
    g.mails_after_response.append(mail_id)


def _deliver_when_closed(response):
    app, mail_ids = current_app._get_current_object(), list(g.mails_after_response)
    response.call_on_close(lambda: _deliver_in_new_context(app, mail_ids))
    return response


def _deliver_in_new_context(app, mail_ids: list[int]) -> None:
    with app.app_context():  # the request's context is gone by now
        try:
            deliver_queued(len(mail_ids), only=mail_ids)
        except Exception:  # noqa: BLE001 (the answer is out; the worker retries what is left)
            log.exception("mails %s stay queued for the worker", mail_ids)


def deliver_queued(batch_size: int = 50, only: list[int] | None = None) -> tuple[int, int]:
    """Send one batch of due mails (or of due mails among `only`); returns (sent, failed).

    A mail that fails is tried again later with growing pauses; after MAX_ATTEMPTS it is
    marked failed.
    """
    batch = _claim(batch_size, only)
    if not batch:
        return 0, 0
    errors = _send_all(batch)
    _record(batch, errors)
    return len(batch) - len(errors), len(errors)


def _claim(batch_size: int, only: list[int] | None) -> list[OutgoingMail]:
    now = utcnow()
    query = (select(OutgoingMail).where(OutgoingMail.status == MailStatus.QUEUED,
                                        OutgoingMail.next_attempt_at <= now)
             .order_by(OutgoingMail.id).limit(batch_size))
    if only is not None:
        query = query.where(OutgoingMail.id.in_(only))
    # The claimed rows stay loaded after the commit: they are sent from memory.
    with write_transaction(expire_on_commit=False):
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        batch = list(db.session.scalars(query))
        for mail in batch:
            mail.attempts += 1
            mail.next_attempt_at = now + timedelta(minutes=2 ** mail.attempts)
    return batch


def _send_all(batch: list[OutgoingMail]) -> dict[int, str]:
    """Send each mail; returns the error of each one that failed, by id."""
    sent, errors = set(), {}
    try:
        with _transport() as send:
            for mail in batch:
                try:
                    send(_email_message(mail))
                except Exception as error:  # noqa: BLE001 (this mail waits for its next try)
                    errors[mail.id] = str(error)
                else:
                    sent.add(mail.id)
    except Exception as error:  # noqa: BLE001 (no server: every mail not sent yet waits)
        errors.update({mail.id: str(error) for mail in batch
                       if mail.id not in sent and mail.id not in errors})
    if errors:
        log.warning("%d of %d mails failed: %s", len(errors), len(batch),
                    next(iter(errors.values())))
    return errors


# What a mail no longer needs once it is sent or given up (see models.py).
_CONTENT_GONE = {"recipient": None, "body_text": None, "body_html": None, "attachment": None,
                 "attachment_name": None, "attachment_type": None}


def _record(batch: list[OutgoingMail], errors: dict[int, str]) -> None:
    with write_transaction():
        sent = [mail.id for mail in batch if mail.id not in errors]
        if sent:
            db.session.execute(update(OutgoingMail).where(OutgoingMail.id.in_(sent))
                               .values(status=MailStatus.SENT, sent_at=utcnow(), last_error="",
                                       **_CONTENT_GONE)
                               .execution_options(synchronize_session=False))
        for mail in batch:
            if mail.id in errors:
                mail.last_error = errors[mail.id][:500]
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.status = MailStatus.FAILED
                    for field, value in _CONTENT_GONE.items():
                        setattr(mail, field, value)


def _email_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid()
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    if mail.attachment is not None:
        maintype, subtype = mail.attachment_type.split("/", 1)
        message.add_attachment(mail.attachment, maintype=maintype, subtype=subtype,
                               filename=mail.attachment_name)
    return message


@contextmanager
def _transport() -> Iterator[Callable[[EmailMessage], object]]:
    """A function that sends one message: over SMTP, into the outbox folder, or nowhere."""
    config = current_app.config
    if config["MAIL_SUPPRESS_SEND"]:
        yield lambda message: log.info("mail %s suppressed", message["Message-ID"])
        return
    if not config.get("MAIL_SERVER"):
        yield _write_to_outbox
        return
    settings = current_app.extensions["mail"]  # Flask-Mail's reading of the MAIL_* settings
    smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    with smtp_class(settings.server, settings.port, timeout=config["MAIL_TIMEOUT"]) as smtp:
        if settings.use_tls:
            smtp.starttls()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        # Adds SMTPUTF8 for an address such as müller@…, or refuses it if the server lacks it.
        yield smtp.send_message


def _write_to_outbox(message: EmailMessage) -> Path:
    outbox = Path(current_app.config.get("MAIL_OUTBOX_DIR")
                  or os.path.join(current_app.instance_path, "outbox"))
    outbox.mkdir(parents=True, exist_ok=True)
    safe_recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message["To"]))
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{safe_recipient}.eml"
    path.write_bytes(message.as_bytes(policy=policy.SMTPUTF8))
    return path
