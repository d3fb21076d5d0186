"""Organiser operations and overviews that combine features."""

from collections import Counter

from flask_babel import to_user_timezone

from ..audit import services as audit
from ..auth.services import users_by_name
from ..awards import polls
from ..awards.models import PollStatus
from ..breakouts import services as breakouts
from ..checkin.services import counts as checkin_counts
from ..database import write_transaction
from ..events import services as events
from ..invitations import services as invitations
from ..registration import mails as registration_mails
from ..registration import services as registration
from ..registration.models import RegistrationStatus
from ..registration.services import registrations_for_event

AUDIT_PAGE_SIZE = 500


def dashboard(event) -> dict:
    """The dashboard's figures: registrations per day in Berlin (a running total), seats and
    capacity per breakout session, check-ins, the waitlist, and each closed poll's votes and
    how many could vote."""
    registrations = registrations_for_event(event)
    per_day = Counter(to_user_timezone(r.created_at).date() for r in registrations)
    running, over_time = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append((day, running))
    seats = [session for session, _waiting in breakouts.seat_overview(event)]
    closed = [poll for poll in polls.polls_of(event)
              if poll.status in (PollStatus.CLOSED, PollStatus.ANNOUNCED, PollStatus.REVEALED)]
    return {"over_time": over_time,
            "seats": [(session.title, session.seats_taken, session.capacity)
                      for session in seats],
            "checkins": checkin_counts(event),
            "waitlisted": sum(1 for r in registrations
                              if r.status == RegistrationStatus.WAITLISTED),
            "turnout": [(poll.title, poll.votes_cast, poll.eligible_count) for poll in closed]}


def audit_log(event, action: str, actor_id: int | None) -> dict:
    """The event's audit log, newest first, filtered by kind of action and by person, with
    the kinds and people to filter by."""
    kinds, actor_ids = audit.kinds_and_actors(event.id)
    return {"entries": audit.entries_for_event(event.id, AUDIT_PAGE_SIZE, action, actor_id),
            "kinds": kinds, "actors": users_by_name(actor_ids)}


def update_event(actor, event, **values):
    """Change an event's details; places that a higher capacity frees go to the waitlist in
    order, in the same transaction, with the promotion mail."""
    with write_transaction():
        events.update_event(actor, event, **values)
        registration.fill_free_places(event)
    return event


def update_breakout(actor, session, slot, **values) -> None:
    """Change a breakout session; people who get a seat from its waitlist are mailed."""
    with write_transaction():
        seated = breakouts.update_session(actor, session, slot, **values)
        registration_mails.mail_breakout_seats(seated, session)


def copy_meeting(actor, source, title: str, slug: str, starts_at):
    """A new draft with the agenda, breakout sessions and settings of `source`, moved to
    `starts_at`; no people, finalists or votes. One transaction: all or nothing."""
    shift = starts_at - source.starts_at
    values = {name: getattr(source, name) for name in events.EVENT_FIELDS}
    values.update(title=title, slug=slug, starts_at=starts_at, ends_at=source.ends_at + shift,
                  registration_opens_at=None, registration_closes_at=None)
    sessions = dict(breakouts.sessions_by_slot(source))
    with write_transaction():
        event = events.create_event(actor, source.network, **values)
        for item in source.agenda_items:
            copied = events.add_agenda_item(
                actor, event, starts_at=item.starts_at + shift, ends_at=item.ends_at + shift,
                kind=item.kind, title=item.title, speaker=item.speaker,
                affiliation=item.affiliation, room=item.room)
            for session in sessions.get(item, []):
                breakouts.add_session(actor, copied, title=session.title,
                                      description=session.description, host=session.host,
                                      capacity=session.capacity, room=session.room)
        invitations.copy_settings(actor, source, event)
    return event
