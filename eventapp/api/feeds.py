"""Calendar feeds: a network's public meetings, and each participant's own day behind a
secret address they can renew (only its hash is kept, so it is shown once)."""

import secrets

from sqlalchemy import delete, select

from ..auth.services import hash_token
from ..database import write_transaction
from ..errors import NotFound
from ..events.services import events_of_network
from ..exports.services import meetings_calendar, personal_calendar
from ..extensions import db
from ..networks.models import Network
from ..registration.models import Registration, RegistrationStatus
from .models import CalendarFeed


def network_feed(network: Network) -> bytes:
    """The network's published and archived meetings as an iCalendar feed."""
    return meetings_calendar(network.name, events_of_network(network))


def renew_feed(registration: Registration) -> str:
    """A new secret for the participant's feed; the one before stops working."""
    secret = secrets.token_urlsafe(32)
    with write_transaction():
        db.session.execute(delete(CalendarFeed).where(
            CalendarFeed.registration_id == registration.id))
        db.session.add(CalendarFeed(registration_id=registration.id,
                                    secret_hash=hash_token(secret)))
    return secret


def has_feed(registration: Registration) -> bool:
    return db.session.get(CalendarFeed, registration.id) is not None


def personal_feed(secret: str) -> tuple[Registration, bytes]:
    """The participant's day for the feed with this secret; NotFound for an unknown secret or
    a cancelled registration."""
    if not secret or len(secret) > 100:
        raise NotFound()
    registration = db.session.scalar(
        select(Registration).join(CalendarFeed, CalendarFeed.registration_id == Registration.id)
        .where(CalendarFeed.secret_hash == hash_token(secret)))
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise NotFound()
    return registration, personal_calendar(registration)
