"""Check-in at the desk.

Checking in is one conditional UPDATE, so two desks scanning the same ticket at once check
it in once.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit.services import record
from ..auth.models import User
from ..database import utcnow, write_transaction
from ..errors import Conflict, NotFound
from ..events.models import Event
from ..extensions import db
from ..registration.models import STATUS_CONFIRMED, Registration
from ..registration.tickets import registration_id_of


class UnknownTicket(NotFound):
    default_message = _l("This ticket is not valid for this event.")


class AlreadyCheckedIn(Conflict):
    default_message = _l("Already checked in.")


def registration_of_ticket(event: Event, code: str) -> Registration:
    """The confirmed registration a ticket belongs to, for this event."""
    registration_id = registration_id_of(code)
    if registration_id is None:
        raise UnknownTicket()
    return confirmed_registration(event, registration_id)


def confirmed_registration(event: Event, registration_id: int) -> Registration:
    """A confirmed registration of this event (the desk found it by name)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id \
            or registration.status != STATUS_CONFIRMED:
        raise UnknownTicket()
    return registration


def check_in(actor, event: Event, registration: Registration) -> Registration:
    """Mark the person as arrived; a second check-in says when the first one was."""
    if registration.event_id != event.id or registration.status != STATUS_CONFIRMED:
        raise UnknownTicket()
    with write_transaction():
        done = db.session.execute(
            update(Registration).where(Registration.id == registration.id,
                                       Registration.checked_in_at.is_(None))
            .values(checked_in_at=utcnow()).execution_options(synchronize_session=False))
        if done.rowcount == 1:
            record(actor, "checkin", event.id, registration=registration.id)
    db.session.refresh(registration)
    if done.rowcount != 1:
        raise AlreadyCheckedIn(_l("%(name)s checked in already at %(time)s.",
                                  name=registration.user.name,
                                  time=registration.checked_in_at.strftime("%H:%M")))
    return registration


def counts(event: Event) -> dict:
    """Checked in, and confirmed in all (for the desk's live counter)."""
    row = db.session.execute(
        select(func.count(Registration.checked_in_at), func.count())
        .where(Registration.event_id == event.id, Registration.status == STATUS_CONFIRMED)).one()
    return {"checked_in": row[0], "confirmed": row[1]}


def search(event: Event, text: str, limit: int = 20) -> list[Registration]:
    """Confirmed registrations whose name, organisation or email contains the text."""
    pattern = f"%{text.strip().lower()}%"
    return list(db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event.id, Registration.status == STATUS_CONFIRMED,
               func.lower(User.name).like(pattern) | func.lower(User.organisation).like(pattern)
               | User.email.like(pattern))
        .order_by(User.name).limit(limit)))
