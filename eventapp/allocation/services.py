"""Ranked breakout choices: the meeting's mode and deadline, a participant's ranking, the
organiser's runs (a seed each, a preview of how many got which choice) and publishing, which
seats everyone as the chosen run decided and mails them their sessions.

Until published, a ranked meeting holds its slots back from "first come, first served"
(breakouts.slot_guard); afterwards late registrants choose where seats remain."""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..audit.services import record
from ..breakouts import services as breakouts
from ..breakouts.models import BreakoutChoice, BreakoutSession
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput
from ..events.models import AgendaItem, Event
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mails
from ..registration.models import Registration, RegistrationStatus
from .models import AllocationMode, BreakoutAllocation, BreakoutRanking
from .serial_dictatorship import Placement, allocate

MAX_SEED = 1_000_000


class RankingClosed(Conflict):
    default_message = _l("Breakout choices are not ranked for this meeting now.")


class AlreadyPublished(Conflict):
    default_message = _l("The allocation has been published already.")


class NotRun(Conflict):
    default_message = _l("Run the allocation first, then publish the run you saw.")


@dataclass
class Preview:
    """What a run gives: per slot and in all, how many got their 1st, 2nd, 3rd choice, a later
    one, a seat outside their ranking, or none."""

    seed: int
    placements: dict[int, dict[int, Placement]]  # slot id -> registration id -> placement
    counts: Counter = field(default_factory=Counter)

    @property
    def people(self) -> int:
        return sum(len(by_person) for by_person in self.placements.values())


def settings_of(event: Event) -> BreakoutAllocation:
    """The meeting's allocation settings (first come, first served when none are stored)."""
    return db.session.get(BreakoutAllocation, event.id) or BreakoutAllocation(
        event_id=event.id, mode=AllocationMode.FIRST_COME)


def save_settings(actor, event: Event, mode: str, deadline: datetime | None) -> None:
    if mode not in set(AllocationMode):
        raise InvalidInput()
    with write_transaction():
        settings = db.session.get(BreakoutAllocation, event.id)
        if settings is not None and settings.published_at is not None:
            raise AlreadyPublished()
        if settings is None:
            settings = BreakoutAllocation(event_id=event.id)
            db.session.add(settings)
        settings.mode, settings.deadline = mode, deadline
        record(actor, "allocation.settings", event.id, mode=mode)


@breakouts.slot_guard
def _slot_held_back(slot_id: int) -> bool:
    return db.session.scalar(
        select(BreakoutAllocation.event_id)
        .join(AgendaItem, AgendaItem.event_id == BreakoutAllocation.event_id)
        .where(AgendaItem.id == slot_id, BreakoutAllocation.mode == AllocationMode.RANKED,
               BreakoutAllocation.published_at.is_(None))) is not None


def ranking_open(event: Event, now: datetime | None = None) -> bool:
    settings = settings_of(event)
    return settings.ranking and (settings.deadline is None or (now or utcnow()) < settings.deadline)


def rankings_of(registration_id: int) -> dict[int, list[int]]:
    """A registration's rankings: slot id -> session ids, best first."""
    rows = db.session.execute(
        select(BreakoutRanking.slot_id, BreakoutRanking.session_id)
        .where(BreakoutRanking.registration_id == registration_id)
        .order_by(BreakoutRanking.slot_id, BreakoutRanking.rank))
    ranked: dict[int, list[int]] = {}
    for slot_id, session_id in rows:
        ranked.setdefault(slot_id, []).append(session_id)
    return ranked


def save_ranking(registration: Registration, slot_id: int, session_ids: list[int]) -> None:
    """Rank the sessions of one slot (best first); an empty list withdraws the ranking."""
    event = registration.event
    if registration.status != RegistrationStatus.CONFIRMED or not ranking_open(event):
        raise RankingClosed()
    offered = {session.id for slot, sessions in breakouts.sessions_by_slot(event)
               if slot.id == slot_id for session in sessions}
    if not offered:
        raise InvalidInput(_l("Please choose sessions of this slot."))
    if len(set(session_ids)) != len(session_ids) or not set(session_ids) <= offered:
        raise InvalidInput(_l("Each session can be ranked once; please check your ranking."))
    with write_transaction():
        db.session.execute(BreakoutRanking.__table__.delete().where(
            BreakoutRanking.registration_id == registration.id,
            BreakoutRanking.slot_id == slot_id))
        db.session.add_all(BreakoutRanking(registration_id=registration.id, slot_id=slot_id,
                                           session_id=session_id, rank=rank)
                           for rank, session_id in enumerate(session_ids, 1))


def _allocate(event: Event, seed: int) -> Preview:
    """Allocate each slot among those who ranked it, confirmed and without a choice there yet,
    over the seats still free."""
    confirmed = select(Registration.id).where(Registration.event_id == event.id,
                                              Registration.status == RegistrationStatus.CONFIRMED)
    preview = Preview(seed, {})
    for slot, sessions in breakouts.sessions_by_slot(event):
        seated = set(db.session.scalars(select(BreakoutChoice.registration_id)
                                        .where(BreakoutChoice.slot_id == slot.id)))
        rankings: dict[int, list[int]] = {}
        for registration_id, session_id in db.session.execute(
                select(BreakoutRanking.registration_id, BreakoutRanking.session_id)
                .where(BreakoutRanking.slot_id == slot.id,
                       BreakoutRanking.registration_id.in_(confirmed))
                .order_by(BreakoutRanking.registration_id, BreakoutRanking.rank)):
            if registration_id not in seated:
                rankings.setdefault(registration_id, []).append(session_id)
        free = {session.id: session.capacity - session.seats_taken for session in sessions}
        placements = allocate(rankings, free, f"{seed}:{slot.id}")
        preview.placements[slot.id] = placements
        preview.counts.update(_bucket(placement) for placement in placements.values())
    return preview


def _bucket(placement: Placement) -> str:
    if placement.session_id is None:
        return "none"
    if placement.rank is None:
        return "outside"
    return str(placement.rank) if placement.rank <= 3 else "later"


def run(actor, event: Event, seed: int | None = None) -> Preview:
    """Run the allocation with `seed` (a new random one when None) and keep the seed: the
    organiser sees the result and publishes it, or runs again."""
    settings = settings_of(event)
    if settings.mode != AllocationMode.RANKED:
        raise RankingClosed()
    if settings.published_at is not None:
        raise AlreadyPublished()
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    with write_transaction():
        db.session.execute(update(BreakoutAllocation)
                           .where(BreakoutAllocation.event_id == event.id)
                           .values(seed=seed).execution_options(synchronize_session=False))
        record(actor, "allocation.run", event.id, seed=seed)
    db.session.expire_all()
    return _allocate(event, seed)


def last_run(event: Event) -> Preview | None:
    """The result of the organiser's last run (None before the first)."""
    settings = settings_of(event)
    if settings.seed is None or settings.published_at is not None:
        return None
    return _allocate(event, settings.seed)


def publish(actor, event: Event) -> int:
    """Seat everyone as the last run decided and mail them their sessions; once. Seats are
    taken by conditional UPDATEs (breakouts.seat_allocated), so none is ever overbooked.
    Returns how many seats were given."""
    seated_by_person: dict[int, list[int]] = {}
    with write_transaction():
        settings = settings_of(event)
        if settings.mode != AllocationMode.RANKED:
            raise RankingClosed()
        if settings.seed is None:
            raise NotRun()
        claimed = db.session.execute(
            update(BreakoutAllocation)
            .where(BreakoutAllocation.event_id == event.id,
                   BreakoutAllocation.published_at.is_(None))
            .values(published_at=utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise AlreadyPublished()
        db.session.expire_all()  # the seats as they are now, inside this transaction
        preview = _allocate(event, settings.seed)
        sessions = {session.id: session for _slot, slot_sessions
                    in breakouts.sessions_by_slot(event) for session in slot_sessions}
        for placements in preview.placements.values():
            for registration_id, placement in placements.items():
                if placement.session_id is not None and breakouts.seat_allocated(
                        registration_id, sessions[placement.session_id]):
                    seated_by_person.setdefault(registration_id, []).append(placement.session_id)
        record(actor, "allocation.published", event.id, seed=settings.seed,
               seats=sum(len(seats) for seats in seated_by_person.values()))
    db.session.expire_all()
    _mail_placements(actor, event, preview, seated_by_person, sessions)
    return sum(len(seats) for seats in seated_by_person.values())


def _mail_placements(actor, event: Event, preview: Preview,
                     seated_by_person: dict[int, list[int]],
                     sessions: dict[int, BreakoutSession]) -> None:
    people = {person for placements in preview.placements.values() for person in placements}
    registrations = {registration.user_id: registration for registration in db.session.scalars(
        select(Registration).where(Registration.id.in_(people)))}
    queue_mails(
        actor, event, "allocated", [r.user for r in registrations.values()],
        _l("Your breakout sessions at %(title)s", title=event.title), "allocated",
        context_for=lambda user: {"sessions": [
            sessions[session_id] for session_id in
            seated_by_person.get(registrations[user.id].id, [])]},
        event_url=external_url("registration.my_registration", slug=event.slug))
