"""Check-in at the desk: which ticket is valid here, the audit entry, the desk's search and
counts.

Registration owns the registrations table: it marks people as arrived (once, however many
desks scan the same ticket at once).
"""

from datetime import datetime, time, timedelta

from flask_babel import format_time, to_user_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..audit.services import record
from ..auth.models import User
from ..awards import eligibility, polls
from ..awards.models import Eligibility
from ..database import write_transaction
from ..errors import Conflict, DomainError, NotFound
from ..events.models import Event
from ..extensions import db
from ..registration import attendance
from ..registration import services as registrations
from ..registration.models import Attendance, Registration, RegistrationStatus
from ..registration.tickets import registration_id_of, ticket_code
from .models import REFUSALS, DeskAction, DeskActionKind, DeskOutcome


class UnknownTicket(NotFound):
    default_message = _l("This ticket is not valid for this event.")


class AlreadyCheckedIn(Conflict):
    default_message = _l("Already checked in.")


class AlreadyRegistered(Conflict):
    default_message = _l("This person is registered already: find them by name and check "
                         "them in.")


def registration_of_ticket(event: Event, code: str) -> Registration:
    """The confirmed registration a ticket belongs to, for this event."""
    registration_id = registration_id_of(code)
    if registration_id is None:
        raise UnknownTicket()
    return confirmed_registration(event, registration_id)


def confirmed_registration(event: Event, registration_id: int) -> Registration:
    """A confirmed registration of this event (the desk found it by name)."""
    registration = registrations.confirmed_registration(event, registration_id)
    if registration is None:
        raise UnknownTicket()
    return registration


class CardNotHandedOut(Conflict):
    outcome: str


class HasCard(CardNotHandedOut):
    outcome = DeskOutcome.HAS_CARD


class NotCheckedIn(CardNotHandedOut):
    outcome = DeskOutcome.NOT_CHECKED_IN


class VotedByLink(CardNotHandedOut):
    outcome = DeskOutcome.VOTED_BY_LINK


def check_in(actor, event: Event, registration: Registration) -> Registration:
    """Mark the person as arrived; a second check-in says when the first one was."""
    if registration.event_id != event.id or registration.status != RegistrationStatus.CONFIRMED:
        raise UnknownTicket()
    with write_transaction():
        done = attendance.mark_checked_in(registration)
        if done:
            # Who was present online counted already in a poll for who is there.
            arrived_for = (Eligibility.CHECKED_IN,) if registration.present_online else (
                Eligibility.CHECKED_IN, Eligibility.PRESENT)
            polls.count_newly_eligible(event.id, arrived_for)
            record(actor, "checkin", event.id, registration=registration.id)
    if not done:
        raise AlreadyCheckedIn(_l("%(name)s checked in already at %(time)s.",
                                  name=registration.user.name,
                                  time=format_time(registration.checked_in_at, "short")))
    return registration


def hand_out_card(actor, event: Event, registration: Registration) -> None:
    """Record that the desk gave this checked-in person a vote card: only that, never which
    card (so that nobody, the app included, can tell whose card voted what).

    Not while a poll the card could vote in holds their vote by link: the card would vote
    again. The registration's row, changed first, waits for such a vote in flight (it holds
    the row, see awards/eligibility.py), so the check after it sees that vote.
    """
    if registration.event_id != event.id or registration.status != RegistrationStatus.CONFIRMED:
        raise UnknownTicket()
    with write_transaction():
        if not attendance.mark_card_received(registration):
            if registration.vote_card_received:
                raise HasCard(_l("%(name)s has a vote card already.",
                                 name=registration.user.name))
            raise NotCheckedIn(_l("Please check %(name)s in first.", name=registration.user.name))
        voted = eligibility.open_poll_voted_by_link(event.id, registration.user_id)
        if voted is not None:
            raise VotedByLink(_l(
                "%(name)s has voted with their personal link in the open vote “%(title)s”: "
                "please hand out the card once that vote has closed.",
                name=registration.user.name, title=voted.title))
        record(actor, "cards.handed_out", event.id, registration=registration.id)


def counts(event: Event) -> dict:
    """Checked in, and confirmed in all (for the desk's live counter)."""
    row = db.session.execute(
        select(func.count(Registration.checked_in_at), func.count())
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)).one()
    return {"checked_in": row[0], "confirmed": row[1]}


def search(event: Event, text: str, limit: int = 20) -> list[Registration]:
    """Confirmed registrations whose name, organisation or email contains the text."""
    pattern = f"%{text.strip().lower()}%"
    return list(db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED,
               func.lower(User.name).like(pattern) | func.lower(User.organisation).like(pattern)
               | User.email.like(pattern))
        .order_by(User.name).limit(limit)))


def register_walk_in(actor, event: Event, *, name: str, email: str, organisation: str,
                     consent: bool, locale: str) -> Registration:
    """Register someone at the desk who had not registered: confirmed and checked in at once
    (the organiser vouches for the address), mailed their personal link and ticket.

    Refused when the event is full or the person is registered already.
    """
    with write_transaction():
        result = registrations.register_directly(
            event, name=name, email=email, organisation=organisation, consent=consent,
            attendance_mode=Attendance.IN_PERSON, locale=locale, waitlist=False)
        if not result.created:
            raise AlreadyRegistered()
        attendance.mark_checked_in(result.registration)
        polls.count_newly_eligible(event.id, (Eligibility.CHECKED_IN, Eligibility.PRESENT))
        record(actor, "checkin.walk_in", event.id, registration=result.registration.id)
    return result.registration


def desk_list(event: Event) -> list[dict]:
    """Everyone the desk may check in (confirmed, coming in person), for the desk's copy on
    the device: name, organisation, ticket code and what happened at the desk so far."""
    registrations = db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id)
        .options(contains_eager(Registration.user))
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED,
               Registration.attendance_mode == Attendance.IN_PERSON)
        .order_by(User.name))
    return [{"id": registration.id, "name": registration.user.name,
             "organisation": registration.user.organisation or "",
             "ticket": ticket_code(registration),
             "checked_in": registration.checked_in_at is not None,
             "card": registration.vote_card_received}
            for registration in registrations]


def desk_list_expires(event: Event) -> datetime:
    """When the desk's copy of the list is deleted: midnight after the event's last day,
    where the meeting takes place."""
    end = to_user_timezone(event.ends_at)
    return datetime.combine(end.date() + timedelta(days=1), time(), tzinfo=end.tzinfo)


def _outcome_message(outcome: str, registration: Registration):
    name = registration.user.name
    match outcome:
        case DeskOutcome.CHECKED_IN:
            return _l("Welcome, %(name)s! Checked in.", name=name)
        case DeskOutcome.ALREADY_CHECKED_IN:
            return _l("%(name)s checked in already at %(time)s (at another desk): counted once.",
                      name=name, time=format_time(registration.checked_in_at, "short"))
        case DeskOutcome.CARD_HANDED_OUT:
            return _l("Vote card handed to %(name)s.", name=name)
        case DeskOutcome.HAS_CARD:
            return _l("%(name)s has a vote card already.", name=name)
        case DeskOutcome.NOT_CHECKED_IN:
            return _l("Please check %(name)s in first.", name=name)
    # DeskOutcome.VOTED_BY_LINK: offline, the desk has handed the card over already.
    return _l("Vote card refused: %(name)s has voted with their personal link in the open vote "
              "meanwhile. Please ask for the card back; it may be handed out once that vote "
              "has closed.", name=name)


def _answer(action_id: str, outcome: str, registration: Registration) -> dict:
    return {"id": action_id, "outcome": outcome, "refused": outcome in REFUSALS,
            "registration": registration.id,
            "message": str(_outcome_message(outcome, registration))}


def _perform(actor, event: Event, kind: str, registration: Registration) -> str:
    """Do one queued action (joins the caller's transaction); a refused card raises."""
    if kind == DeskActionKind.CARD:
        hand_out_card(actor, event, registration)
        return DeskOutcome.CARD_HANDED_OUT
    try:
        check_in(actor, event, registration)
    except AlreadyCheckedIn:
        return DeskOutcome.ALREADY_CHECKED_IN
    return DeskOutcome.CHECKED_IN


def _record(action_id: str, event: Event, kind: str, registration: Registration,
            outcome: str) -> None:
    db.session.add(DeskAction(id=action_id, event_id=event.id, registration_id=registration.id,
                              kind=kind, outcome=outcome))


def apply_desk_action(actor, event: Event, action_id: str, kind: str,
                      registration_id: int) -> dict:
    """Do what a desk queued while offline, once: the same action id sent again (the answer
    got lost, or two requests carried it) gets the first answer and changes nothing.

    Conflicts are the server's to resolve: someone checked in at two desks is checked in
    once; a card for someone who voted by link meanwhile is refused, and the desk told.
    """
    registration = confirmed_registration(event, registration_id)
    try:
        with write_transaction():
            done = db.session.get(DeskAction, action_id)
            if done is None:
                outcome = _perform(actor, event, kind, registration)
                _record(action_id, event, kind, registration, outcome)
    except CardNotHandedOut as refusal:  # rolled back; the refusal is the answer
        try:
            with write_transaction():
                _record(action_id, event, kind, registration, refusal.outcome)
        except IntegrityError:
            pass  # the same action, answered by a request that came at the same moment
    except IntegrityError:
        pass  # the same action, done by a request that came at the same moment
    done = db.session.get(DeskAction, action_id)
    if done is None or done.event_id != event.id or done.registration_id != registration.id:
        raise UnknownTicket()  # an id of another desk's action: nothing to say about it
    db.session.refresh(registration)
    return _answer(action_id, done.outcome, registration)


def sync_desk(actor, event: Event, desk: str, waiting: int, actions) -> list[dict]:
    """Apply a desk's queued actions in the order it did them, one answer each, and note how
    many it still holds (the live control shows them)."""
    answers = []
    for action in actions:
        try:
            answers.append(apply_desk_action(actor, event, action.id, action.kind,
                                             action.registration_id))
        except DomainError as error:
            answers.append({"id": action.id, "outcome": None, "refused": True,
                            "registration": action.registration_id,
                            "message": str(error.message)})
    attendance.report_desk_queue(event.id, desk, waiting)
    return answers
