"""Composing a mail for one recipient: templates/mailing/mails/<name>.txt and .html in their
language, and the absolute URLs the mail links to."""

from dataclasses import dataclass

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale


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


@dataclass(frozen=True)
class ComposedMail:
    """A mail rendered for one person: what the queue stores until it is sent."""

    subject: str
    text: str
    html: str
    attachment: tuple[str, str, bytes] | None = None  # (filename, content type, bytes)


def render_mail(locale: str, subject, template: str, attachment=None, **context) -> ComposedMail:
    """Render templates/mailing/mails/<template>.txt and .html in the recipient's locale.

    `subject` is a lazy_gettext string, so that it is translated in the recipient's language.
    `attachment` is (filename, content type, bytes) or None.
    """
    with force_locale(locale):
        return ComposedMail(
            subject=str(subject),
            text=render_template(f"mailing/mails/{template}.txt", **context),
            html=render_template(f"mailing/mails/{template}.html", **context),
            attachment=attachment)
