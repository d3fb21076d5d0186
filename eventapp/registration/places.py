"""The event's places and its waitlist: taking and giving back a place, places reserved for
a guest category, promotion from the waitlist, and where someone stands in line.

The place counter `events.registered_count` is registration's: it is kept here (the event
only shows it), counted like breakout seats by a conditional UPDATE that either takes a
place or fails, and a failure means the waitlist. The places of the general public never
exceed the capacity less the places reserved for a category and not taken yet.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from ..breakouts import services as breakouts
from ..breakouts.models import BreakoutChoice, ChoiceStatus
from ..errors import InvalidInput
from ..events.models import Event
from ..extensions import db
from .models import Registration, RegistrationStatus, ReservedPlace
from .signals import place_taken


def _unused_reservations(event_id: int):
    """A scalar subquery: the event's reserved places that nobody holds yet."""
    return (select(func.coalesce(func.sum(ReservedPlace.places - ReservedPlace.taken), 0))
            .where(ReservedPlace.event_id == event_id,
                   ReservedPlace.places > ReservedPlace.taken)
            .scalar_subquery())


def take_place(event_id: int, category: str | None = None) -> tuple[bool, bool]:
    """Take one place at the event if one is free (or there is no limit); atomic.

    Returns (a place was taken, it is one reserved for `category`). A guest takes a place
    reserved for their category first; anyone else only a place that no category keeps.
    """
    if category is not None:
        reserved = db.session.execute(
            update(ReservedPlace)
            .where(ReservedPlace.event_id == event_id, ReservedPlace.category == category,
                   ReservedPlace.taken < ReservedPlace.places)
            .values(taken=ReservedPlace.taken + 1)
            .execution_options(synchronize_session=False))
        if reserved.rowcount == 1:
            if _count_place(event_id, or_(Event.capacity.is_(None),
                                          Event.registered_count < Event.capacity)):
                return True, True
            _give_back_reserved(event_id, category)  # a capacity lowered below the reservations
    # The sum of registered and unused reserved places never exceeds the capacity: a guest
    # taking a reserved place leaves it as it is, everyone else raises it by one.
    took = _count_place(event_id, or_(
        Event.capacity.is_(None),
        Event.registered_count + _unused_reservations(event_id) < Event.capacity))
    return took, False


def _count_place(event_id: int, condition) -> bool:
    result = db.session.execute(
        update(Event).where(Event.id == event_id, condition)
        .values(registered_count=Event.registered_count + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back_reserved(event_id: int, category: str) -> None:
    db.session.execute(
        update(ReservedPlace)
        .where(ReservedPlace.event_id == event_id, ReservedPlace.category == category,
               ReservedPlace.taken > 0)
        .values(taken=ReservedPlace.taken - 1)
        .execution_options(synchronize_session=False))


def give_back_place(event_id: int, reserved_for: str | None = None) -> None:
    db.session.execute(
        update(Event).where(Event.id == event_id, Event.registered_count > 0)
        .values(registered_count=Event.registered_count - 1)
        .execution_options(synchronize_session=False))
    if reserved_for is not None:
        _give_back_reserved(event_id, reserved_for)


def public_free_places(event: Event) -> int | None:
    """The places the general public may still take (None: no limit): the capacity less
    the places held and those reserved for a guest category and not taken yet."""
    if event.capacity is None:
        return None
    unused = db.session.scalar(_unused_reservations(event.id).element)
    return max(event.capacity - event.registered_count - unused, 0)


def promote_from_waitlist(event_id: int) -> list[Registration]:
    """Confirm waitlisted registrations in order while places are free.

    A guest further down may take a place reserved for their category that the public
    before them could not have.
    """
    promoted = []
    waiting = db.session.execute(
        select(Registration.id, Registration.category)
        .where(Registration.event_id == event_id,
               Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)).all()
    public_full = False
    for registration_id, category in waiting:
        if public_full and category is None:
            continue
        took, reserved = take_place(event_id, category)
        if not took:
            public_full = True
            continue
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id,
                   Registration.status == RegistrationStatus.WAITLISTED)
            .values(status=RegistrationStatus.CONFIRMED, waitlisted_at=None,
                    reserved_place=reserved)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            promoted.append(registration_id)
            place_taken.send(event_id)
        else:  # promoted concurrently by someone else's cancellation
            give_back_place(event_id, category if reserved else None)
    return [db.session.get(Registration, rid, populate_existing=True) for rid in promoted]


def place_on_waitlist(registration: Registration) -> int:
    """1 for the first in line of the event's waitlist, and so on."""
    ahead = db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.waitlisted_at < registration.waitlisted_at)
            | ((Registration.waitlisted_at == registration.waitlisted_at)
               & (Registration.id < registration.id))))
    return ahead + 1


def breakout_places(registration: Registration) -> list[tuple[BreakoutChoice, int | None]]:
    """The registration's breakout choices in agenda order, each with its place on the
    session's waitlist (None for a seat)."""
    choices = breakouts.choices_of(registration.id)
    return [(choice, breakouts.waitlist_position(choice)
             if choice.status == ChoiceStatus.WAITLISTED else None)
            for slot, _sessions in breakouts.sessions_by_slot(registration.event)
            if (choice := choices.get(slot.id)) is not None]




def reserved_places(event: Event) -> dict[str, ReservedPlace]:
    """The places reserved per guest category, by category."""
    return {row.category: row for row in db.session.scalars(
        select(ReservedPlace).where(ReservedPlace.event_id == event.id))}


def reserve_places(event: Event, reserved: dict[str, int]) -> None:
    """Keep this many places for each guest category (0: none); joins the caller's
    transaction.

    A category keeps at least the places its guests hold, and the places held plus those
    reserved and not taken yet fit into the capacity.
    """
    if event.capacity is not None and sum(reserved.values()) > event.capacity:
        raise InvalidInput(_l("Together the reserved places (%(reserved)d) exceed the "
                              "capacity (%(capacity)d).", reserved=sum(reserved.values()),
                              capacity=event.capacity))
    rows = reserved_places(event)
    unused = sum(max(places - (rows[c].taken if c in rows else 0), 0)
                 for c, places in reserved.items())
    if event.capacity is not None and event.registered_count + unused > event.capacity:
        raise InvalidInput(_l("Only %(num)d places are still free to reserve.",
                              num=max(event.capacity - event.registered_count, 0)))
    for category, places in reserved.items():
        row = rows.get(category)
        if row is not None and places < row.taken:
            raise InvalidInput(_l("Guests hold %(taken)d places of a category already; "
                                  "reserve at least as many.", taken=row.taken))
        if row is None and places:
            db.session.add(ReservedPlace(event_id=event.id, category=category,
                                         places=places, taken=0))
        elif row is not None:
            row.places = places
    db.session.flush()
    db.session.execute(delete(ReservedPlace).where(
        ReservedPlace.event_id == event.id, ReservedPlace.places == 0,
        ReservedPlace.taken == 0))
