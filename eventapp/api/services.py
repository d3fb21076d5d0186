"""What the API's token routes answer and do, composed from the owners' services:
registrations with their breakouts, check-ins and guest categories; a call's applications; the
results of revealed polls only; registering (the public form's rules and double opt-in) and
cancelling."""

from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from werkzeug.datastructures import MultiDict

from ..awards.results import revealed_polls, snapshot_of
from ..breakouts.services import choices_by_registration, sessions_by_slot
from ..calls.services import applications_of, call_of
from ..errors import InvalidInput
from ..events.models import Event
from ..extensions import db
from ..registration.forms import SLOT_FIELD_PREFIX, registration_form_for
from ..registration.models import Registration
from ..registration.services import (
    NotRegistered,
    cancel,
    register,
    registrations_for_event,
)


def registration_rows(event: Event, status: str | None = None) -> list[dict]:
    """The event's registrations (confirmed first, then the waitlist, then cancelled)."""
    choices = choices_by_registration(event)
    rows = []
    for registration in registrations_for_event(event):
        if status and registration.status != status:
            continue
        user = registration.user
        rows.append({
            "id": registration.id, "name": user.name, "email": user.email,
            "organisation": user.organisation, "status": registration.status,
            "attendance_mode": registration.attendance_mode, "category": registration.category,
            "created_at": registration.created_at, "checked_in_at": registration.checked_in_at,
            "cancelled_at": registration.cancelled_at,
            "breakouts": [{"slot_id": choice.slot_id, "session_id": choice.session_id,
                           "session_title": choice.session.title, "status": choice.status}
                          for choice in choices.get(registration.id, [])]})
    return rows


def application_rows(event: Event) -> list:
    """The applications to the event's call for finalists (none without a call)."""
    call = call_of(event)
    return applications_of(call) if call is not None else []


def result_rows(event: Event) -> list[dict]:
    """The results of the event's revealed polls, the decisive one first; the number of
    votes only where the poll shows counts."""
    rows = []
    for poll in revealed_polls(event):
        snapshot = snapshot_of(poll)
        if snapshot is None:
            continue
        ranking = [{key: entry.get(key) for key in
                    ("rank", "organisation", "project_title", "answer")}
                   | ({"votes": entry.get("votes")} if poll.show_counts else {})
                   for entry in snapshot.ranking]
        rows.append({"poll_id": poll.id, "title": poll.title,
                     "votes_cast": snapshot.votes_cast if poll.show_counts else None,
                     "eligible_count": snapshot.eligible_count,
                     "announced_at": snapshot.announced_at, "ranking": ranking})
    return rows


# --- writing ----------------------------------------------------------------------------------


class FormInvalid(InvalidInput):
    """The registration form's own rules said no; `errors` has its messages field by field."""

    def __init__(self, errors: dict):
        super().__init__()
        self.errors = errors


class UnknownSession(InvalidInput):
    default_message = _l("This breakout session is not offered at this event.")


def register_through_api(event: Event, body: dict, locale: str) -> None:
    """Register someone as the public form does: the same form, its rules and messages, and
    the same double opt-in (a mailed link; no place until it is opened)."""
    slots = sessions_by_slot(event)
    slot_of = {session.id: slot.id for slot, sessions in slots for session in sessions}
    data = MultiDict()
    for key in ("name", "email", "organisation", "attendance_mode"):
        if body.get(key) is not None:
            data[key] = str(body[key])
    for key in ("consent", "public_listing"):
        if body.get(key):
            data[key] = "y"
    for session_id in body.get("session_ids") or ():
        if session_id not in slot_of:
            raise UnknownSession()
        data[f"{SLOT_FIELD_PREFIX}{slot_of[session_id]}"] = str(session_id)
    form = registration_form_for(event, slots, AnonymousUserMixin())
    form.process(formdata=data)  # the API's body, not the request's
    if not form.validate():
        raise FormInvalid({name: [str(message) for message in messages]
                           for name, messages in form.errors.items()})
    register(event, **form.registration_values(), locale=locale)


def cancel_through_api(event: Event, registration_id: int) -> None:
    """Cancel one of the event's registrations, as its owner would on their page."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotRegistered()
    cancel(registration)
