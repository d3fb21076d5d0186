"""What goes into the exports. Exports of personal data are audited."""

from datetime import datetime

from flask_babel import format_datetime, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..breakouts.models import ChoiceStatus
from ..breakouts.services import choices_by_registration, choices_of, sessions_by_slot
from ..database import write_transaction
from ..errors import Conflict
from ..events.models import Event
from ..invitations.models import category_label
from ..matchmaking.services import MEETING_LENGTH, accepted_meetings
from ..questions.services import export_rows
from ..registration.models import Attendance, Registration, RegistrationStatus
from ..registration.services import confirmed_registrations, registrations_for_event
from .badges import badges_of, badges_pdf
from .calendar import calendar
from .tables import to_csv, to_xlsx

FORMATS = {"csv": ("text/csv; charset=utf-8", to_csv),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    to_xlsx)}


def _status(registration: Registration) -> str:
    return {RegistrationStatus.CONFIRMED: _("Registered"),
            RegistrationStatus.WAITLISTED: _("On the waitlist")}.get(registration.status,
                                                                     _("Cancelled"))


def _local_time(value) -> str:
    # Flask-Babel shows times in the event's zone (BABEL_DEFAULT_TIMEZONE), as the pages do.
    return format_datetime(value, "short") if value else ""


def _cells(rows: list[list], file_format: str) -> list[list]:
    """Times as text in the reader's language (CSV), or as the event's local time for a
    date cell (Excel: sorted and filtered as dates, shown in a German date format)."""
    def cell(value):
        if not isinstance(value, datetime):
            return value
        if file_format == "csv":
            return _local_time(value)
        return to_user_timezone(value).replace(tzinfo=None)
    return [[cell(value) for value in row] for row in rows]


def registration_table(event: Event) -> tuple[list[str], list[list]]:
    """Every registration with breakout choices, attendance and check-in."""
    choices = choices_by_registration(event)
    header = [_("Name"), _("Email address"), _("Organisation"), _("Status"), _("Attendance"),
              _("Checked in"), _("Breakout sessions"), _("Registered on"), _("Category")]
    rows = []
    for registration in registrations_for_event(event):
        sessions = ", ".join(c.session.title + (f" ({_('waitlist')})"
                                                if c.status == ChoiceStatus.WAITLISTED else "")
                             for c in choices.get(registration.id, []))
        rows.append([registration.user.name, registration.user.email,
                     registration.user.organisation, _status(registration),
                     _("In person") if registration.attendance_mode == Attendance.IN_PERSON
                     else _("Online"),
                     registration.checked_in_at, sessions, registration.created_at,
                     category_label(registration.category)])
    return header, rows


def participant_table(event: Event) -> tuple[list[str], list[list]]:
    """The public participant list: only those who opted in, and only name and organisation."""
    header = [_("Name"), _("Organisation")]
    rows = [[r.user.name, r.user.organisation] for r in confirmed_registrations(event)
            if r.public_listing]
    return header, sorted(rows)


def question_table(event: Event) -> tuple[list[str], list[list]]:
    """The audience's questions that were shown, with their upvotes (the most upvoted first)."""
    header = [_("Agenda item"), _("Question"), _("Name"), _("Status"), _("Upvotes")]
    return header, [[row["agenda_item"] or _("The whole meeting"), row["question"],
                     row["name"] or _("Anonymous"), row["status"], row["upvotes"]]
                    for row in export_rows(event)]


TABLES = {"registrations": registration_table, "participants": participant_table,
          "questions": question_table}


def export_table(actor, event: Event, table: str, file_format: str) -> tuple[bytes, str]:
    """A table as CSV or Excel file; returns the bytes and their media type."""
    header, rows = TABLES[table](event)
    rows = _cells(rows, file_format)
    media_type, render = FORMATS[file_format]
    body = render(header, rows) if file_format == "csv" else render(table, header, rows)
    with write_transaction():
        record(actor, "export." + table, event.id, format=file_format, rows=len(rows))
    return body, media_type


class NoBadges(Conflict):
    default_message = _l("Nobody has a place yet, so there are no badges to print.")


def badge_sheet(actor, event: Event) -> bytes:
    """Name badges of everyone with a place, as a PDF for A4 label sheets (see badges.py)."""
    badges = badges_of(event)
    if not badges:
        raise NoBadges()
    body = badges_pdf(event, badges)
    with write_transaction():
        record(actor, "export.badges", event.id, rows=len(badges))
    return body


def _location(event: Event, with_link: bool = False) -> str:
    """The venue; the online meeting's link only for a participant with a place (the event
    form promises that the link is shown to registered participants only)."""
    return event.venue or (event.online_link if with_link else "") or ""


def _in_room(room: str, location: str) -> str:
    """An agenda item's or session's room within the venue: "Saal 1, Kongresshotel"."""
    return ", ".join(filter(None, [room, location]))


def event_calendar(event: Event) -> bytes:
    """The event and its agenda as an iCalendar file."""
    entries = [{"uid": f"event-{event.id}@eventapp", "starts_at": event.starts_at,
                "ends_at": event.ends_at, "summary": event.title,
                "location": _location(event), "description": event.motto}]
    entries += [{"uid": f"agenda-{item.id}@eventapp", "starts_at": item.starts_at,
                 "ends_at": item.ends_at, "summary": item.title,
                 "location": _in_room(item.room, _location(event)),
                 "description": ", ".join(filter(None, [item.speaker, item.affiliation]))}
                for item in event.agenda_items]
    return calendar(event.title, entries)


def meetings_calendar(name: str, events: list[Event]) -> bytes:
    """Meetings as an iCalendar feed, one entry each (a network's public meetings)."""
    return calendar(name, [{"uid": f"event-{event.id}@eventapp", "starts_at": event.starts_at,
                            "ends_at": event.ends_at, "summary": event.title,
                            "location": _location(event), "description": event.motto}
                           for event in events])


def personal_calendar(registration: Registration) -> bytes:
    """The participant's day: the agenda, with their own session in each breakout slot."""
    event = registration.event
    chosen = {slot_id: choice.session for slot_id, choice in
              choices_of(registration.id).items() if choice.status == ChoiceStatus.SEATED}
    slots = {slot.id for slot, _sessions in sessions_by_slot(event)}
    location = _location(event, with_link=registration.status == RegistrationStatus.CONFIRMED)
    entries = []
    for item in event.agenda_items:
        title, room = item.title, item.room
        if item.id in slots and item.id in chosen:
            title = f"{item.title}: {chosen[item.id].title}"
            room = chosen[item.id].place
        entries.append({"uid": f"agenda-{item.id}-{registration.id}@eventapp",
                        "starts_at": item.starts_at, "ends_at": item.ends_at, "summary": title,
                        "location": _in_room(room, location)})
    for request, other in accepted_meetings(registration):
        if request.meets_at is not None:
            entries.append({
                "uid": f"meeting-{request.id}-{registration.id}@eventapp",
                "starts_at": request.meets_at, "ends_at": request.meets_at + MEETING_LENGTH,
                "summary": _("Meeting with %(name)s", name=other.user.name),
                "description": request.message})
    return calendar(event.title, entries)
