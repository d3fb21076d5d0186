"""Breakout sessions and seat accounting that cannot overbook.

Seats are taken and given back only through conditional UPDATEs of the seat counter
(`... WHERE seats_taken < capacity`), which are atomic on SQLite and PostgreSQL alike;
nothing here reads a count and writes it back. Functions without their own
`write_transaction` run inside the caller's (registration calls them while it registers
or cancels someone).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import AgendaItem, Event
from ..extensions import db
from .models import BreakoutChoice, BreakoutSession, ChoiceStatus

SESSION_FIELDS = ("title", "description", "host", "capacity", "room", "room_url")
# A session's video room opens to its seated participants this long before the slot starts.
ROOM_OPENS_BEFORE = timedelta(minutes=15)


class SeatUnavailable(Conflict):
    default_message = _l("This breakout session is full. You keep your current choice.")


class SlotHeldBack(Conflict):
    default_message = _l("The seats of this slot are allocated from ranked choices: please rank "
                         "the sessions on your registration page.")


# A feature above may hold back the seats of a slot from "first come, first served" (the
# allocation of ranked choices until it is published): each guard gets the slot's id and says
# True to hold it back. Registered at import, like the mail makers.
_SLOT_GUARDS: list[Callable[[int], bool]] = []


def slot_guard(function: Callable[[int], bool]) -> Callable[[int], bool]:
    _SLOT_GUARDS.append(function)
    return function


def held_back(slot_id: int) -> bool:
    """The slot's seats are not taken first come, first served now."""
    return any(guard(slot_id) for guard in _SLOT_GUARDS)


def sessions_by_slot(event: Event) -> list[tuple[AgendaItem, list[BreakoutSession]]]:
    """The event's agenda slots that have breakout sessions, each with its sessions."""
    rows = db.session.execute(
        select(AgendaItem, BreakoutSession)
        .join(BreakoutSession, BreakoutSession.slot_id == AgendaItem.id)
        .where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.starts_at, AgendaItem.id, BreakoutSession.id))
    grouped: dict[int, tuple[AgendaItem, list[BreakoutSession]]] = {}
    for slot, session in rows:
        grouped.setdefault(slot.id, (slot, []))[1].append(session)
    return list(grouped.values())


def get_session(event: Event, session_id: int) -> BreakoutSession:
    """A breakout session of this event."""
    session = db.session.get(BreakoutSession, session_id)
    if session is None or session.slot.event_id != event.id:
        raise NotFound()
    return session


def choices_of(registration_id: int) -> dict[int, BreakoutChoice]:
    """A registration's choices, by slot id."""
    choices = db.session.scalars(
        select(BreakoutChoice).where(BreakoutChoice.registration_id == registration_id))
    return {choice.slot_id: choice for choice in choices}


def room_links_for(registration_id: int, now: datetime | None = None) -> list[BreakoutSession]:
    """The sessions whose video room the participant may enter now: those they hold a seat
    in, from ROOM_OPENS_BEFORE the slot until its end (the room's address is theirs only)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(BreakoutSession).join(BreakoutChoice, BreakoutChoice.session_id ==
                                     BreakoutSession.id)
        .join(AgendaItem, AgendaItem.id == BreakoutSession.slot_id)
        .options(contains_eager(BreakoutSession.slot))
        .where(BreakoutChoice.registration_id == registration_id,
               BreakoutChoice.status == ChoiceStatus.SEATED, BreakoutSession.room_url != "",
               AgendaItem.starts_at <= now + ROOM_OPENS_BEFORE, now < AgendaItem.ends_at)
        .order_by(AgendaItem.starts_at)))


def waitlist_position(choice: BreakoutChoice) -> int:
    """1 for the first in line of a session's waitlist, and so on."""
    ahead = db.session.scalar(
        select(db.func.count()).select_from(BreakoutChoice).where(
            BreakoutChoice.session_id == choice.session_id,
            BreakoutChoice.status == ChoiceStatus.WAITLISTED,
            (BreakoutChoice.created_at < choice.created_at)
            | ((BreakoutChoice.created_at == choice.created_at) & (BreakoutChoice.id < choice.id))))
    return ahead + 1


def _take_seat(session_id: int) -> bool:
    """Take one seat if one is free; True if it was taken. Atomic, never overbooks."""
    result = db.session.execute(
        update(BreakoutSession)
        .where(BreakoutSession.id == session_id,
               BreakoutSession.seats_taken < BreakoutSession.capacity)
        .values(seats_taken=BreakoutSession.seats_taken + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back_seat(session_id: int) -> None:
    db.session.execute(
        update(BreakoutSession)
        .where(BreakoutSession.id == session_id, BreakoutSession.seats_taken > 0)
        .values(seats_taken=BreakoutSession.seats_taken - 1)
        .execution_options(synchronize_session=False))


def _fill_from_waitlist(session_id: int) -> list[int]:
    """Seat people from the session's waitlist, first come first served, while seats are free.

    Returns the ids of the registrations that got a seat.
    """
    promoted = []
    waiting = list(db.session.scalars(
        select(BreakoutChoice.id).where(BreakoutChoice.session_id == session_id,
                                        BreakoutChoice.status == ChoiceStatus.WAITLISTED)
        .order_by(BreakoutChoice.created_at, BreakoutChoice.id)))
    for choice_id in waiting:
        if not _take_seat(session_id):
            break
        # Claim the choice conditionally: a concurrent promotion may have seated it already.
        claimed = db.session.execute(
            update(BreakoutChoice)
            .where(BreakoutChoice.id == choice_id, BreakoutChoice.status == ChoiceStatus.WAITLISTED)
            .values(status=ChoiceStatus.SEATED)
            .returning(BreakoutChoice.registration_id)).scalar()
        if claimed is None:
            _give_back_seat(session_id)
        else:
            promoted.append(claimed)
    return promoted


def _release(choice: BreakoutChoice) -> list[int]:
    # Delete with a condition and learn from the row what it held: of two releases at once
    # (a double click on PostgreSQL) only the one that deleted it gives back the seat.
    released = db.session.execute(
        delete(BreakoutChoice).where(BreakoutChoice.id == choice.id)
        .returning(BreakoutChoice.status, BreakoutChoice.session_id)).first()
    if released is None or released.status != ChoiceStatus.SEATED:
        return []
    _give_back_seat(released.session_id)
    return _fill_from_waitlist(released.session_id)


def choose(registration_id: int, session: BreakoutSession) -> BreakoutChoice:
    """Give the registration a seat in `session`, replacing its choice in the same slot.

    With no seat yet in the slot, a full session puts the registration on its waitlist;
    someone who already holds a seat keeps it and gets SeatUnavailable instead.
    Runs inside the caller's transaction. A slot held back (held_back) refuses.
    """
    if held_back(session.slot_id):
        raise SlotHeldBack()
    existing = db.session.scalar(select(BreakoutChoice).where(
        BreakoutChoice.registration_id == registration_id,
        BreakoutChoice.slot_id == session.slot_id))
    if existing is not None and existing.session_id == session.id:
        return existing
    if _take_seat(session.id):
        status = ChoiceStatus.SEATED
    elif existing is None or existing.status == ChoiceStatus.WAITLISTED:
        status = ChoiceStatus.WAITLISTED
    else:
        raise SeatUnavailable()
    if existing is not None:
        _release(existing)
    choice = BreakoutChoice(registration_id=registration_id, slot_id=session.slot_id,
                            session_id=session.id, status=status)
    db.session.add(choice)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same person chose twice at once (double click)
        raise Conflict() from exc
    return choice


def seat_allocated(registration_id: int, session: BreakoutSession) -> bool:
    """Seat the registration in `session` as the allocation decided, if it has no choice in
    the slot yet and a seat is free (one conditional UPDATE); True if seated. Joins the
    caller's transaction."""
    if db.session.scalar(select(BreakoutChoice.id).where(
            BreakoutChoice.registration_id == registration_id,
            BreakoutChoice.slot_id == session.slot_id)) is not None:
        return False
    if not _take_seat(session.id):
        return False
    db.session.add(BreakoutChoice(registration_id=registration_id, slot_id=session.slot_id,
                                  session_id=session.id, status=ChoiceStatus.SEATED))
    db.session.flush()
    return True


def leave_slot(registration_id: int, slot_id: int) -> list[int]:
    """Drop the registration's choice in a slot; its seat goes to the next in line."""
    choice = db.session.scalar(select(BreakoutChoice).where(
        BreakoutChoice.registration_id == registration_id, BreakoutChoice.slot_id == slot_id))
    return _release(choice) if choice is not None else []


def release_all(registration_id: int) -> list[int]:
    """Give back every seat and waitlist place a registration holds (when it is cancelled)."""
    promoted = []
    for choice in list(choices_of(registration_id).values()):
        promoted += _release(choice)
    return promoted


# --- organiser side -----------------------------------------------------------------------


def _validated(values: dict) -> dict:
    values = {k: values.get(k) for k in SESSION_FIELDS}
    if values["capacity"] is None or values["capacity"] < 1:
        raise InvalidInput(_l("A breakout session needs at least one seat."))
    values["room"] = (values["room"] or "").strip()
    values["room_url"] = (values["room_url"] or "").strip()
    if values["room_url"] and not values["room_url"].startswith("https://"):
        raise InvalidInput(_l("The video room's address must begin with https://."))
    return values


def add_session(actor, slot: AgendaItem, **values) -> BreakoutSession:
    """Add a breakout session to an agenda slot."""
    values = _validated(values)
    with write_transaction():
        session = BreakoutSession(slot_id=slot.id, **values)
        db.session.add(session)
        db.session.flush()
        record(actor, "breakout.created", slot.event_id, session=session.id, title=session.title)
    return session


def update_session(actor, session: BreakoutSession, slot: AgendaItem, **values) -> list[int]:
    """Change a session; more seats seat people from its waitlist, fewer than taken is refused.

    Returns the ids of the registrations that got a seat.
    """
    values = _validated(values)
    with write_transaction():
        # Lower the capacity with a conditional UPDATE too, so a seat taken meanwhile counts.
        lowered = db.session.execute(
            update(BreakoutSession)
            .where(BreakoutSession.id == session.id,
                   BreakoutSession.seats_taken <= values["capacity"])
            .values(capacity=values["capacity"])
            .execution_options(synchronize_session=False))
        if lowered.rowcount != 1:
            raise InvalidInput(_l("The capacity cannot be lower than the seats already taken."))
        if slot.id != session.slot_id:
            if db.session.scalar(select(BreakoutChoice.id)
                                 .where(BreakoutChoice.session_id == session.id).limit(1)):
                raise Conflict(_l("People have already chosen this session; "
                                  "it cannot move to another slot."))
            session.slot_id = slot.id
        for key in ("title", "description", "host", "room", "room_url"):
            setattr(session, key, values[key])
        seated = _fill_from_waitlist(session.id)
        record(actor, "breakout.updated", slot.event_id, session=session.id)
    db.session.refresh(session)
    return seated


def delete_session(actor, session: BreakoutSession) -> None:
    """Remove a session that nobody has chosen yet."""
    event_id = session.slot.event_id
    with write_transaction():
        if db.session.scalar(select(BreakoutChoice.id)
                             .where(BreakoutChoice.session_id == session.id).limit(1)):
            raise Conflict(_l("People have already chosen this session; it cannot be deleted."))
        db.session.execute(delete(BreakoutSession).where(BreakoutSession.id == session.id))
        record(actor, "breakout.deleted", event_id, session=session.id)


def choices_by_registration(event: Event) -> dict[int, list[BreakoutChoice]]:
    """For each registration of the event, its breakout choices (seats and waitlist places)."""
    rows = db.session.scalars(
        select(BreakoutChoice).join(BreakoutChoice.session)
        .join(AgendaItem, AgendaItem.id == BreakoutChoice.slot_id)
        .options(contains_eager(BreakoutChoice.session))
        .where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.starts_at, BreakoutChoice.slot_id))
    result: dict[int, list[BreakoutChoice]] = {}
    for choice in rows:
        result.setdefault(choice.registration_id, []).append(choice)
    return result


def seat_overview(event: Event) -> list[tuple[BreakoutSession, int]]:
    """Each of the event's sessions with the length of its waitlist."""
    waiting = dict(db.session.execute(
        select(BreakoutChoice.session_id, db.func.count())
        .where(BreakoutChoice.status == ChoiceStatus.WAITLISTED)
        .group_by(BreakoutChoice.session_id)).all())
    return [(session, waiting.get(session.id, 0))
            for _slot, sessions in sessions_by_slot(event) for session in sessions]
