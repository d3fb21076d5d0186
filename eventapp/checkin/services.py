"""Check-in at the desk: which ticket is valid here, the audit entry, the desk's search and
counts.

Registration owns the registrations table: it marks people as arrived (once, however many
desks scan the same ticket at once).
"""

from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit.services import record
from ..auth.models import User
from ..awards import eligibility, polls
from ..awards.models import Eligibility
from ..database import write_transaction
from ..errors import Conflict, NotFound
from ..events.models import Event
from ..extensions import db
from ..registration import attendance
from ..registration import services as registrations
from ..registration.models import Attendance, Registration, RegistrationStatus
from ..registration.tickets import registration_id_of


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
    pass


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
            raise CardNotHandedOut(
                _l("%(name)s has a vote card already.", name=registration.user.name)
                if registration.vote_card_received else
                _l("Please check %(name)s in first.", name=registration.user.name))
        voted = eligibility.open_poll_voted_by_link(event.id, registration.user_id)
        if voted is not None:
            raise CardNotHandedOut(_l(
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
