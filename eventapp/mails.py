"""Sending mail: SMTP through Flask-Mail when a server is configured, else files in an outbox.

Every mail has a plain-text and an HTML part and is rendered in the recipient's language.
"""

import logging
import os
import re
from pathlib import Path

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_mail import Message

from .database import utcnow
from .extensions import mail

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for mails and QR codes, based on PUBLIC_URL when it is configured.

    Works outside a request too (CLI commands, the demo seed), where Flask cannot build URLs.
    """
    base = current_app.config.get("PUBLIC_URL")
    if not has_request_context():
        with current_app.test_request_context(base_url=base or "http://127.0.0.1:5000"):
            return url_for(endpoint, _external=True, **values)
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def render_mail(to: str, locale: str, subject, template: str, attachments=(),
                **context) -> Message:
    """Render templates/mail/<template>.txt and .html in the recipient's locale.

    `subject` is a lazy_gettext string, so that it is translated in the recipient's language.
    `attachments` are (filename, content type, bytes).
    """
    with force_locale(locale):
        message = Message(
            subject=str(subject),
            recipients=[to],
            body=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", **context),
        )
    for filename, content_type, data in attachments:
        message.attach(filename, content_type, data)
    return message


def deliver(messages: list[Message]) -> None:
    """Send messages over one SMTP connection, or into the outbox folder without a server."""
    if current_app.config["MAIL_SUPPRESS_SEND"]:
        log.info("%d mails suppressed", len(messages))
        return
    if not current_app.config.get("MAIL_SERVER"):
        for message in messages:
            _write_to_outbox(message)
        return
    with mail.connect() as connection:
        for message in messages:
            connection.send(message)


def send_mail(to: str, locale: str, subject, template: str, attachments=(),
              **context) -> Message:
    """Render a mail in the recipient's locale and send it right away (one recipient)."""
    message = render_mail(to, locale, subject, template, attachments, **context)
    deliver([message])
    log.info("mail %s sent", template)
    return message


def _write_to_outbox(message: Message) -> Path:
    outbox = Path(current_app.config.get("MAIL_OUTBOX_DIR")
                  or os.path.join(current_app.instance_path, "outbox"))
    outbox.mkdir(parents=True, exist_ok=True)
    safe_recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", message.recipients[0])
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{safe_recipient}.eml"
    path.write_bytes(message.as_bytes())
    return path
