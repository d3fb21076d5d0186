"""Tickets: the registration id signed with the app's secret, shown as a QR code.

A ticket cannot be guessed or forged and needs no column of its own.
"""

import io

import segno
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .models import Registration


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="ticket")


def ticket_code(registration: Registration) -> str:
    """The text inside the ticket's QR code."""
    return _signer().dumps(registration.id)


def registration_id_of(code: str) -> int | None:
    """The registration id a ticket code stands for, or None for a forged or broken one."""
    try:
        value = _signer().loads(code.strip())
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def ticket_qr(registration: Registration) -> segno.QRCode:
    """The ticket's QR code, as the desk scans it (on the ticket, in the mail, on the badge)."""
    return segno.make(ticket_code(registration), error="m")


def ticket_svg(registration: Registration) -> str:
    """The ticket's QR code as inline SVG for a page."""
    return ticket_qr(registration).svg_inline(
        scale=1, omitsize=True, dark="#000", light="#fff")


def ticket_png(registration: Registration) -> bytes:
    """The ticket's QR code as PNG, for the confirmation mail."""
    out = io.BytesIO()
    ticket_qr(registration).save(out, kind="png", scale=8, border=2)
    return out.getvalue()
