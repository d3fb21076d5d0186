"""The award vote: polls, casting a secret ballot, tally, run-off, announcement, receipts.

Secrecy: a vote writes a Participation (who voted) and a Ballot (what was voted, with a
random id, the receipt and nothing else) in one transaction; nothing links the two.
A vote counts iff its transaction commits while the poll is open: the vote's last step is
`UPDATE polls SET votes_cast = votes_cast + 1 WHERE status = 'open'`, which holds the poll
row until commit, and closing is `UPDATE polls SET status = 'closed' WHERE status = 'open'`,
which therefore waits for the votes in flight and stops every later one.
"""

import secrets
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import User
from ..auth.services import normalise_email
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.models import STATUS_PUBLISHED, Event
from ..extensions import db
from ..registration.models import STATUS_CONFIRMED, Registration
from .models import (
    POLL_ANNOUNCED,
    POLL_CLOSED,
    POLL_DRAFT,
    POLL_OPEN,
    Ballot,
    Finalist,
    FinalistTeamMember,
    Participation,
    Poll,
    PollCandidate,
    ResultSnapshot,
)
from .services import finalists_of

# Receipts: 10 symbols of an alphabet without look-alikes (0/O, 1/I/L), i.e. 50 random bits.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10


class PollNotOpen(Conflict):
    default_message = _l("Voting is not open.")


class AlreadyVoted(Conflict):
    default_message = _l("You have already voted. Each person has one vote.")


class NotEligible(Forbidden):
    default_message = _l("Only registered participants of this event can vote.")


class ResultsNotAnnounced(NotFound):
    default_message = _l("The result has not been announced yet.")


class OwnFinalist(Forbidden):
    default_message = _l("You belong to this finalist's team and cannot vote for it.")


@dataclass(frozen=True)
class Standing:
    finalist_id: int
    organisation: str
    project_title: str
    votes: int
    rank: int  # shared by a tie: 1, 1, 3


# --- the hot path's statements ----------------------------------------------------------
# Built once: SQLAlchemy then reuses their compiled form, and a request spends no time
# building SQL (the voter query cost more to build than to run). The vote's writes are Core
# statements on the tables, without the ORM's bookkeeping.

_CURRENT_POLL = (select(Poll).options(joinedload(Poll.candidates))
                 .where(Poll.event_id == bindparam("event_id")).order_by(Poll.id.desc()).limit(1))
_TEAM = (select(FinalistTeamMember.user_id, FinalistTeamMember.finalist_id).join(Finalist)
         .where(Finalist.event_id == bindparam("event_id")).subquery())
_VOTER = (
    select(Registration.status, Registration.checked_in_at,
           select(Participation.user_id).where(Participation.poll_id == bindparam("poll_id"),
                                               Participation.user_id == bindparam("user_id"))
           .exists().label("has_voted"),
           _TEAM.c.finalist_id)
    .outerjoin(_TEAM, _TEAM.c.user_id == Registration.user_id)
    .where(Registration.event_id == bindparam("event_id"),
           Registration.user_id == bindparam("user_id")))
_INSERT_PARTICIPATION = insert(Participation.__table__)
_INSERT_BALLOT = insert(Ballot.__table__)
_POLLS = Poll.__table__
_COUNT_VOTE = (update(_POLLS)
               .where(_POLLS.c.id == bindparam("poll_id"), _POLLS.c.status == POLL_OPEN)
               .values(votes_cast=_POLLS.c.votes_cast + 1))


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


def get_poll(event: Event, poll_id: int) -> Poll:
    """A poll of this event."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound()
    return poll


@dataclass(frozen=True)
class Voter:
    """What the ballot needs to know about a person: read in one query, the hot path."""

    registration_status: str | None  # None: not registered for the event
    checked_in: bool
    has_voted: bool
    own_finalist_ids: frozenset[int]


def voter_in(poll: Poll, user: User) -> Voter:
    """The user's registration, team memberships and participation in the poll, at once."""
    rows = db.session.execute(_VOTER, {"event_id": poll.event_id, "poll_id": poll.id,
                                       "user_id": user.id}).all()
    if not rows:
        return Voter(None, False, False, frozenset())
    status, checked_in_at, has_voted_already, _ = rows[0]
    return Voter(status, checked_in_at is not None, bool(has_voted_already),
                 frozenset(row.finalist_id for row in rows if row.finalist_id is not None))


def check_eligible(poll: Poll, voter: Voter) -> None:
    """Raise NotEligible unless the voter's registration entitles them to vote in the poll."""
    if voter.registration_status != STATUS_CONFIRMED:
        raise NotEligible()
    if poll.checked_in_only and not voter.checked_in:
        raise NotEligible(_l("Only participants who have checked in at the venue can vote."))


def team_members(finalist: Finalist) -> list[User]:
    """The participants marked as members of a finalist's team."""
    return list(db.session.scalars(
        select(User).join(FinalistTeamMember, FinalistTeamMember.user_id == User.id)
        .where(FinalistTeamMember.finalist_id == finalist.id).order_by(User.name)))


def tally(poll: Poll) -> list[Standing]:
    """Votes per candidate, most first (ties by pitch order), with shared ranks for ties."""
    counts = dict(db.session.execute(
        select(Ballot.finalist_id, func.count()).where(Ballot.poll_id == poll.id)
        .group_by(Ballot.finalist_id)).all())
    ranked = sorted(poll.candidates, key=lambda f: -counts.get(f.id, 0))
    standings, rank = [], 0
    for position, finalist in enumerate(ranked, start=1):
        votes = counts.get(finalist.id, 0)
        if not standings or votes != standings[-1].votes:
            rank = position
        standings.append(Standing(finalist.id, finalist.organisation, finalist.project_title,
                                  votes, rank))
    return standings


def tied_at_top(standings: list[Standing]) -> list[Standing]:
    """The standings sharing first place when more than one does (else empty)."""
    top = [s for s in standings if s.rank == 1]
    return top if len(top) > 1 else []


def snapshot_of(poll: Poll) -> ResultSnapshot | None:
    """The announced result of the poll, if it was announced."""
    return db.session.get(ResultSnapshot, poll.id)


def receipts_of(poll: Poll) -> list[tuple[str, int]]:
    """Every (receipt, finalist id) of an announced poll, in receipt order: the public recount."""
    if poll.status != POLL_ANNOUNCED:
        raise Forbidden(_l("Receipts are published with the result."))
    return [tuple(row) for row in db.session.execute(
        select(Ballot.receipt, Ballot.finalist_id).where(Ballot.poll_id == poll.id)
        .order_by(Ballot.receipt))]


def normalise_receipt(code: str) -> str:
    """A receipt as typed by a person (any case, spaces, missing hyphen) in its printed form."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(symbols) != RECEIPT_LENGTH:
        return ""
    return f"{symbols[:5]}-{symbols[5:]}"


def hall_of_fame() -> list[tuple[Event, Poll, ResultSnapshot]]:
    """The decisive announced result (the last announced poll) of every published event."""
    rows = db.session.execute(
        select(Event, Poll, ResultSnapshot).join(Poll, Poll.event_id == Event.id)
        .join(ResultSnapshot, ResultSnapshot.poll_id == Poll.id)
        .where(Event.status == STATUS_PUBLISHED).order_by(Event.starts_at.desc(), Poll.id))
    decisive: dict[int, tuple[Event, Poll, ResultSnapshot]] = {}
    for event, poll, snapshot in rows:
        decisive[event.id] = (event, poll, snapshot)  # later polls (run-offs) win
    return list(decisive.values())


# --- voting -------------------------------------------------------------------------------


def _new_receipt() -> str:
    symbols = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{symbols[:5]}-{symbols[5:]}"


def check_ballot(poll: Poll, user: User, finalist_id: int) -> None:
    """Every rule a ballot must pass before it is cast; raises the first one it breaks.

    Whether the user voted already is checked here only for the message; the unique key
    of participations decides when the vote is cast.
    """
    if _check_ballot(poll, user, finalist_id).has_voted:
        raise AlreadyVoted()


def _check_ballot(poll: Poll, user: User, finalist_id: int) -> Voter:
    if poll.status != POLL_OPEN:
        raise PollNotOpen()
    voter = voter_in(poll, user)
    check_eligible(poll, voter)
    if finalist_id not in {candidate.id for candidate in poll.candidates}:
        raise InvalidInput(_l("Please choose one of the finalists."))
    if finalist_id in voter.own_finalist_ids:
        raise OwnFinalist()
    return voter


def cast_vote(poll: Poll, user: User, finalist_id: int) -> str:
    """Cast the user's one vote and return the receipt code (shown once, stored nowhere else).

    The unique key of participations decides a double vote, however many arrive at once.
    """
    _check_ballot(poll, user, finalist_id)
    receipt = _new_receipt()
    try:
        # Only Core statements below: nothing loaded needs reading again after the commit.
        with write_transaction(expire_on_commit=False):
            db.session.execute(_INSERT_PARTICIPATION, {"poll_id": poll.id, "user_id": user.id})
            db.session.execute(_INSERT_BALLOT, {
                "id": secrets.token_hex(16), "poll_id": poll.id, "finalist_id": finalist_id,
                "receipt": receipt})
            if db.session.execute(_COUNT_VOTE, {"poll_id": poll.id}).rowcount != 1:
                raise PollNotOpen()
    except IntegrityError as error:
        raise AlreadyVoted() from error
    return receipt


# --- organiser actions --------------------------------------------------------------------


def create_poll(actor, event: Event, title: str, checked_in_only: bool = False) -> Poll:
    """A draft poll among all of the event's finalists."""
    with write_transaction():
        poll = Poll(event_id=event.id, title=title, checked_in_only=checked_in_only)
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
    if poll.checked_in_only:
        query = query.where(Registration.checked_in_at.is_not(None))
    return db.session.scalar(query)


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
    """Close an open poll; waits for the votes in flight, refuses every later one."""
    with write_transaction():
        _move(poll, POLL_OPEN, POLL_CLOSED, closed_at=utcnow())
        record(actor, "poll.closed", poll.event_id, poll=poll.id)


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
                      checked_in_only=poll.checked_in_only)
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


def registered_user(event: Event, email: str) -> User:
    """The user registered for the event under this email address (for team lists)."""
    user = db.session.scalar(
        select(User).join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, User.email == normalise_email(email)))
    if user is None:
        raise InvalidInput(_l("Nobody is registered for this event with this email address."))
    return user


def set_team_member(actor, finalist: Finalist, user: User, member: bool) -> None:
    """Mark (or unmark) a participant as a member of a finalist's team."""
    with write_transaction():
        existing = db.session.get(FinalistTeamMember, (finalist.id, user.id))
        if member and existing is None:
            db.session.add(FinalistTeamMember(finalist_id=finalist.id, user_id=user.id))
        elif not member and existing is not None:
            db.session.delete(existing)
        record(actor, "finalist.team_member_" + ("added" if member else "removed"),
               finalist.event_id, finalist=finalist.id, user=user.id)
