"""The mails of a meeting: reminder, voting link, result, and the organiser's own message."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..awards import polls, results
from ..awards.models import Poll, PollStatus
from ..awards.voting import PollNotOpen
from ..breakouts.models import ChoiceStatus
from ..breakouts.services import choices_by_registration
from ..errors import Conflict
from ..events.models import Event, EventStatus
from ..exports.services import personal_calendar
from ..extensions import db
from ..mailing import jobs
from ..mailing.compose import external_url
from ..mailing.models import OutgoingMail
from ..mailing.queue import compose_rows, queue_mails
from ..registration.services import confirmed_registrations


def queue_reminders(start: datetime, end: datetime) -> int:
    """Queue the reminder for every published event starting between start and end, once."""
    count = 0
    events = db.session.scalars(select(Event).where(
        Event.status == EventStatus.PUBLISHED, Event.starts_at >= start, Event.starts_at < end))
    for event in list(events):
        reminded = db.session.scalar(select(OutgoingMail.id).where(
            OutgoingMail.event_id == event.id, OutgoingMail.kind == "reminder").limit(1))
        if reminded:
            continue
        registrations = {r.user_id: r for r in confirmed_registrations(event)}
        seats = {registration_id: {c.slot_id: c.session for c in choices
                                   if c.status == ChoiceStatus.SEATED}
                 for registration_id, choices in choices_by_registration(event).items()}
        count += queue_mails(
            None, event, "reminder", [r.user for r in registrations.values()],
            _l("Tomorrow: %(title)s", title=event.title), "reminder",
            attachment_for=lambda user, regs=registrations: (
                "agenda.ics", "text/calendar", personal_calendar(regs[user.id])),
            # Their own session in each breakout slot (the room's link is on their page
            # from 15 minutes before, not in a mail).
            context_for=lambda user, regs=registrations, seats=seats: {
                "seats": seats.get(regs[user.id].id, {})},
            agenda=event.agenda_items,
            event_url=external_url("events.show", slug=event.slug))
    return count


def queue_voting_link(actor, event: Event) -> bool:
    """Queue the job that mails everyone with a place the direct link to the open vote, once
    per poll (the worker makes and sends the mails: voting_link_mails). False when it was
    queued before."""
    poll = polls.current_poll(event)
    if poll is None or poll.status != PollStatus.OPEN:
        raise Conflict(PollNotOpen.default_message)
    _job, queued = jobs.queue_job(actor, event, "vote_open", poll.id)
    return queued


@jobs.maker("vote_open")
def voting_link_mails(job) -> list[dict]:
    """The worker's part: one mail per person with a place, if the vote is still open."""
    poll = db.session.get(Poll, job.poll_id)
    if poll is None or poll.status != PollStatus.OPEN:
        return []
    event = db.session.get(Event, job.event_id)
    return compose_rows(event, "vote_open", [r.user for r in confirmed_registrations(event)],
                        _l("Vote now: %(title)s", title=poll.title), "vote_open",
                        vote_url=external_url("awards.vote", slug=event.slug))


def queue_result(actor, event: Event) -> int:
    """Mail everyone with a place the result of every public poll, once there is one (never
    before the reveal); a tied poll's result is its run-off's."""
    revealed = results.revealed_polls(event)
    if not revealed:
        raise results.ResultNotPublic()
    settled_by_runoff = {poll.parent_id for poll in revealed}
    decided = sorted((poll for poll in revealed if poll.id not in settled_by_runoff),
                     key=lambda poll: poll.parent_id or poll.id)  # in the order set up
    winners = [(poll, [e for e in results.snapshot_of(poll).ranking if e["rank"] == 1])
               for poll in decided]
    subject = (_l("The result: %(title)s", title=decided[0].title) if len(decided) == 1
               else _l("The results: %(title)s", title=event.title))
    return queue_mails(actor, event, "result", [r.user for r in confirmed_registrations(event)],
                       subject, "result", results=winners,
                       results_url=external_url("awards.results", slug=event.slug))


def queue_message(actor, event: Event, subject: str, body: str,
                  session_id: int | None = None) -> int:
    """The organiser's own message to everyone with a place, or to one breakout session."""
    registrations = confirmed_registrations(event)
    if session_id:
        choices = choices_by_registration(event)
        registrations = [r for r in registrations
                         if any(c.session_id == session_id and c.status == ChoiceStatus.SEATED
                                for c in choices.get(r.id, []))]
    return queue_mails(actor, event, "message", [r.user for r in registrations], subject,
                       "message", body=body)
