"""Download routes: lists for organisers, calendars for everyone, badges to print."""

from flask import Response, abort
from flask_login import current_user, login_required

from ..events.access import event_role_required
from ..events.services import get_event
from ..networks.access import Capability
from ..registration.services import get_registration
from . import bp, services


def _download(body: bytes, media_type: str, filename: str) -> Response:
    # The media type as given, charset included (`mimetype` would add a second charset).
    return Response(body, content_type=media_type, headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "Cache-Control": "private, no-store"})


@bp.route("/organiser/events/<slug>/export/<table>.<file_format>")
@event_role_required(Capability.ORGANISE)
def table(slug: str, table: str, file_format: str):
    """Registrations or the participant list as CSV (German Excel) or .xlsx."""
    if table not in services.TABLES or file_format not in services.FORMATS:
        abort(404)
    event = get_event(slug, include_unpublished=True)
    body, media_type = services.export_table(current_user, event, table, file_format)
    return _download(body, media_type, f"{event.slug}-{table}.{file_format}")


@bp.route("/organiser/events/<slug>/badges.pdf")
@event_role_required(Capability.ORGANISE)
def badges(slug: str):
    """Name badges of everyone with a place, with their tickets' QR codes, for A4 labels."""
    event = get_event(slug, include_unpublished=True)
    return _download(services.badge_sheet(current_user, event), "application/pdf",
                     f"{event.slug}-badges.pdf")


@bp.route("/events/<slug>/agenda.ics")
def event_calendar(slug: str):
    """The event's agenda for any calendar."""
    event = get_event(slug)
    return _download(services.event_calendar(event), "text/calendar; charset=utf-8",
                     f"{event.slug}.ics")


@bp.route("/events/<slug>/me/agenda.ics")
@login_required
def personal_calendar(slug: str):
    """The participant's own day, with their breakout sessions."""
    event = get_event(slug)
    return _download(services.personal_calendar(get_registration(event, current_user)),
                     "text/calendar; charset=utf-8", f"{event.slug}-mein-tag.ics")
