"""Polls: set up, open, close, run-off, announce, reveal; the results once they are public.

A poll goes draft → open → closed → announced → revealed. Closing is
`UPDATE polls SET status = 'closed' WHERE status = 'open'`, which waits for the votes in
flight (each holds the poll row until its commit, see ballots.py) and stops every later one;
the same transaction then mixes the last ballots in, so a closed poll is a counted one.
Announcing stores the result; only revealing (the big screen reaching the winner, or the
organiser publishing without a show) makes it public, for every announced poll of the event
at once, so that no page, mail or phone spoils the ceremony.
"""

from dataclasses import asdict, dataclass
from functools import cached_property

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, joinedload

from ..audit.services import record
from ..caching import TimedCache
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import STATUS_PUBLISHED, Event
from ..events.services import EventNotFound
from ..extensions import db
from ..registration.models import STATUS_CONFIRMED, Registration
from .ballots import mix_at_close, receipts_of, tally, tied_at_top
from .finalists import finalists_of
from .models import (
    ELIGIBLE_CHECKED_IN,
    ELIGIBLE_PRESENT,
    ELIGIBLE_REGISTERED,
    POLL_ANNOUNCED,
    POLL_CLOSED,
    POLL_DRAFT,
    POLL_ELIGIBILITIES,
    POLL_OPEN,
    POLL_REVEALED,
    Poll,
    PollCandidate,
    ResultSnapshot,
)


class NoPublicResult(NotFound):
    default_message = _l("The result has not been published yet.")


class ResultNotPublic(Conflict):
    default_message = _l("The result is not public yet: reveal the winner on the big screen "
                         "or publish the result without a show.")


# Built once (the ballot page reads it on every request): see ballots.py.
_CURRENT_POLL = (select(Poll).options(joinedload(Poll.candidates))
                 .where(Poll.event_id == bindparam("event_id")).order_by(Poll.id.desc()).limit(1))


# --- reading ------------------------------------------------------------------------------


def polls_of(event: Event) -> list[Poll]:
    """The event's polls, oldest first (a run-off follows its parent)."""
    return list(db.session.scalars(select(Poll).where(Poll.event_id == event.id)
                                   .order_by(Poll.id)))


def current_poll(event: Event) -> Poll | None:
    """The poll that matters now: the newest one (a run-off replaces its parent).

    Its candidates come in the same query: every page that shows the poll needs them.
    """
    return db.session.scalars(_CURRENT_POLL, {"event_id": event.id}).unique().first()


# --- the ballot's hot path -----------------------------------------------------------------
# In the two minutes of the vote every phone asks for the ballot and sends it: each app
# process reads the event and its current poll once per BALLOT_CACHE_SECONDS, not per request.
# A stale poll cannot count a vote: the vote's conditional UPDATE (ballots.py) refuses it
# once the poll is closed ("voting is not open"), and a ballot page that shows a poll
# opened or closed a moment ago reloads itself when the live state says so (live.js).


def ballot_cache(max_age: float, size: int) -> TimedCache[tuple[Event, Poll | None]]:
    return TimedCache(_read_ballot, max_age, size)


def _read_ballot(slug: str) -> tuple[Event, Poll | None] | None:
    # On the request's connection (a second one from the pool per request would run a
    # threaded worker's pool dry in a burst), but in a session of its own: what it reads is
    # detached when that closes, fully loaded, and no commit of the request can expire it.
    with Session(bind=db.session.connection()) as session:
        event = session.scalar(select(Event).where(Event.slug == slug,
                                                   Event.status == STATUS_PUBLISHED))
        if event is None:
            return None
        return event, session.scalars(_CURRENT_POLL, {"event_id": event.id}).unique().first()


def ballot_of(slug: str) -> tuple[Event, Poll | None]:
    """The published event with this slug and its current poll, for the ballot and the vote.

    The cached objects are copied into the request's session without a query
    (merge with load=False), so the request can read them and load anything else they lead to.
    """
    cached = current_app.extensions["ballot_cache"].get(slug)
    if cached is None:
        raise EventNotFound()
    event, poll = cached
    return (db.session.merge(event, load=False),
            db.session.merge(poll, load=False) if poll is not None else None)


def snapshot_of(poll: Poll) -> ResultSnapshot | None:
    """The announced result of the poll, if it was announced."""
    return db.session.get(ResultSnapshot, poll.id)


def revealed_polls(event: Event) -> list[Poll]:
    """The event's polls whose result is public, the decisive one (a run-off) first."""
    return [poll for poll in reversed(polls_of(event)) if poll.status == POLL_REVEALED]


@dataclass(frozen=True)
class PublicResult:
    poll: Poll
    snapshot: ResultSnapshot
    receipts: list[tuple[str, int]]  # (receipt, finalist id): the public recount

    @cached_property
    def names(self) -> dict[int, str]:
        return {entry["finalist_id"]: entry["organisation"] for entry in self.snapshot.ranking}


def public_results(event: Event) -> list[PublicResult]:
    """The event's public results with their receipts, the decisive one first; else 404."""
    revealed = revealed_polls(event)
    if not revealed:
        raise NoPublicResult()
    return [PublicResult(poll, snapshot_of(poll), receipts_of(poll)) for poll in revealed]


# --- organiser actions --------------------------------------------------------------------


def create_poll(actor, event: Event, title: str, eligibility: str = ELIGIBLE_REGISTERED,
                cards_may_vote: bool = True) -> Poll:
    """A draft poll among all of the event's finalists."""
    if eligibility not in POLL_ELIGIBILITIES:
        raise InvalidInput(_l("Please choose who may vote."))
    with write_transaction():
        poll = Poll(event_id=event.id, title=title, eligibility=eligibility,
                    cards_may_vote=cards_may_vote)
        db.session.add(poll)
        db.session.flush()
        _set_candidates(poll, [f.id for f in finalists_of(event)])
        record(actor, "poll.created", event.id, poll=poll.id, title=title)
    return poll


def _set_candidates(poll: Poll, finalist_ids: list[int]) -> None:
    db.session.execute(PollCandidate.__table__.delete().where(PollCandidate.poll_id == poll.id))
    if finalist_ids:
        db.session.execute(insert(PollCandidate),
                           [{"poll_id": poll.id, "finalist_id": f} for f in finalist_ids])
    db.session.expire(poll, ["candidates"])


def _eligible_count(poll: Poll) -> int:
    query = select(func.count()).select_from(Registration).where(
        Registration.event_id == poll.event_id, Registration.status == STATUS_CONFIRMED)
    if poll.eligibility == ELIGIBLE_CHECKED_IN:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif poll.eligibility == ELIGIBLE_PRESENT:
        query = query.where(Registration.checked_in_at.is_not(None)
                            | Registration.present_online)
    return db.session.scalar(query)


def count_newly_eligible(event_id: int, eligibilities: tuple[str, ...]) -> None:
    """Someone arrived (checked in, or present online) while the event's poll for such
    people is open: its turnout's total grows by one (joins the caller's transaction)."""
    db.session.execute(
        update(Poll).where(Poll.event_id == event_id, Poll.status == POLL_OPEN,
                           Poll.eligibility.in_(eligibilities))
        .values(eligible_count=Poll.eligible_count + 1)
        .execution_options(synchronize_session=False))


def _move(poll: Poll, source: str, target: str, **values) -> None:
    """Change the poll's status if it is still `source` (one conditional UPDATE)."""
    moved = db.session.execute(
        update(Poll).where(Poll.id == poll.id, Poll.status == source)
        .values(status=target, **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_l("The poll has changed in the meantime. Please reload."))
    db.session.expire(poll)


def open_poll(actor, poll: Poll) -> None:
    """Open a draft poll; the main poll takes the finalists as they are now."""
    with write_transaction():
        if not poll.is_runoff:
            _set_candidates(poll, [f.id for f in finalists_of(poll.event)])
        if len(poll.candidates) < 2:
            raise InvalidInput(_l("A vote needs at least two finalists."))
        _move(poll, POLL_DRAFT, POLL_OPEN, opened_at=utcnow(),
              eligible_count=_eligible_count(poll))
        record(actor, "poll.opened", poll.event_id, poll=poll.id)


def close_poll(actor, poll: Poll) -> None:
    """Close an open poll; waits for the votes in flight, refuses every later one, and mixes
    all of its ballots into one random order before anything is counted."""
    poll_id, event_id = poll.id, poll.event_id
    with write_transaction():
        _move(poll, POLL_OPEN, POLL_CLOSED, closed_at=utcnow())
        mix_at_close(poll_id)
        record(actor, "poll.closed", event_id, poll=poll_id)


def start_runoff(actor, poll: Poll) -> Poll:
    """A draft run-off among the finalists tied at the top of a closed poll."""
    if poll.status != POLL_CLOSED:
        raise Conflict(_l("A run-off can follow only a closed vote."))
    tied = tied_at_top(tally(poll))
    if not tied:
        raise Conflict(_l("There is no tie at the top."))
    with write_transaction():
        runoff = Poll(event_id=poll.event_id, parent_id=poll.id,
                      title=str(_l("Run-off: %(title)s", title=poll.title)),
                      eligibility=poll.eligibility, cards_may_vote=poll.cards_may_vote)
        db.session.add(runoff)
        db.session.flush()
        _set_candidates(runoff, [s.finalist_id for s in tied])
        # The tied poll is settled by the run-off; it is announced as it stands.
        _announce(actor, poll)
        record(actor, "poll.runoff_created", poll.event_id, poll=runoff.id, parent=poll.id)
    return runoff


def announce(actor, poll: Poll) -> ResultSnapshot:
    """Announce a closed poll: store the result once; it never changes afterwards."""
    with write_transaction():
        snapshot = _announce(actor, poll)
    return snapshot


def _announce(actor, poll: Poll) -> ResultSnapshot:
    standings = tally(poll)
    snapshot = ResultSnapshot(
        poll_id=poll.id, ranking=[asdict(s) for s in standings],
        votes_cast=sum(s.votes for s in standings), eligible_count=poll.eligible_count,
        announced_by_id=actor.id if actor else None)
    _move(poll, POLL_CLOSED, POLL_ANNOUNCED)
    db.session.add(snapshot)
    record(actor, "poll.announced", poll.event_id, poll=poll.id,
           winner=[s.organisation for s in standings if s.rank == 1])
    return snapshot


def reveal_results(actor, event: Event, show: bool) -> int:
    """Make every announced result of the event public at once; returns how many polls.

    `show`: whether the big screen revealed the winner (else: published without a show).
    """
    with write_transaction():
        announced = [poll for poll in polls_of(event) if poll.status == POLL_ANNOUNCED]
        if not announced:
            return 0
        moved = db.session.execute(
            update(Poll).where(Poll.id.in_([poll.id for poll in announced]),
                               Poll.status == POLL_ANNOUNCED)
            .values(status=POLL_REVEALED).execution_options(synchronize_session=False)).rowcount
        for poll in announced:
            db.session.expire(poll)
        if moved:
            record(actor, "poll.revealed", event.id, polls=[poll.id for poll in announced],
                   show=show)
    return moved
