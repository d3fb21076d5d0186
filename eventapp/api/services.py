"""What the API's token routes answer, composed from the owners' services: registrations
with their breakouts, check-ins and guest categories; a call's applications; the results of
revealed polls only."""

from ..awards.results import revealed_polls, snapshot_of
from ..breakouts.services import choices_by_registration
from ..calls.services import applications_of, call_of
from ..events.models import Event
from ..registration.services import registrations_for_event


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
