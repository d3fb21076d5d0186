"""Forgetting people: deleting an account's registrations, and who an archived event may
forget (privacy/ composes these)."""

from sqlalchemy import delete, select

from ..auth.models import User
from ..database import write_transaction
from ..events.models import Event, EventStatus
from ..extensions import db
from .models import Registration, RegistrationRequest


def delete_registrations_of(user: User) -> None:
    """Delete every registration of the user and every form waiting under their address
    (their account is going); joins the caller's transaction."""
    with write_transaction():
        db.session.execute(delete(Registration).where(Registration.user_id == user.id))
        db.session.execute(delete(RegistrationRequest)
                           .where(RegistrationRequest.email == user.email))


def people_only_in(event: Event):
    """A subquery of the ids of the event's people who have no registration for any other
    event that is not archived (those an archived event may forget)."""
    still_needed = select(Registration.user_id).join(Event).where(
        Event.status != EventStatus.ARCHIVED)
    return select(Registration.user_id).where(Registration.event_id == event.id,
                                              Registration.user_id.not_in(still_needed))


