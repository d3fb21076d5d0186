"""Ballots: who may vote, casting a secret vote, mixing the ballots, receipts, the tally.

A vote counts iff its transaction commits while the poll is open: the vote's last step is
`UPDATE polls SET votes_cast = votes_cast + 1 WHERE status = 'open'`, which holds the poll
row until commit, so that closing the poll (polls.py) waits for the votes in flight.

Secrecy, also against a reader of the database, a backup or a copied file: a vote writes
its Participation (who voted) and an InboxBallot (what was voted, with the receipt) in one
transaction, so a receipt shown is a vote counted, even if the server dies right after.
Rows written together share PostgreSQL's xmin and sit side by side (ctid, SQLite's rowid),
so the ballot must not stay there: every BALLOT_MIX_BATCH-th vote starts a mixer that moves
the waiting ballots (at least a batch), after the vote's commit, in a transaction of its
own, in a random order and under new random ids into `ballots` and deletes them from the
inbox. Closing the poll takes in the last ones and rewrites all of the poll's ballots in one
random order, then vacuums the tables, so that after the close nothing tells the batches
apart; only then is anything counted. What remains readable during the vote is in docs/security.md.
"""

import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.selectable import Select

from ..auth.models import User
from ..auth.sessions import SessionUser
from ..database import after_commit, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..faults import limit_waiting
from ..registration.models import STATUS_CONFIRMED, Registration
from .models import (
    ELIGIBLE_CHECKED_IN,
    ELIGIBLE_PRESENT,
    POLL_ANNOUNCED,
    POLL_CLOSED,
    POLL_OPEN,
    POLL_REVEALED,
    Ballot,
    CardParticipation,
    Finalist,
    FinalistTeamMember,
    InboxBallot,
    Participation,
    Poll,
    PollOption,
    VoteCard,
)

log = logging.getLogger(__name__)
# A voter by link: the signed-in user, or on the vote's hot path whom its session claims to be
# (the voter query checks the claim).
Person = User | SessionUser

# Receipts: 10 symbols of an alphabet without look-alikes (0/O, 1/I/L), i.e. 50 random bits.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10
# With the poll's id, the key of the PostgreSQL advisory lock that lets one mixer at a time
# move the ballots of a poll (any number that no other advisory lock of the app uses).
MIXING_LOCK = 15
# How long erasing the traces at the close may wait for others (and hold them up).
ERASING_WAIT_MS = 500


class PollNotOpen(Conflict):
    default_message = _l("Voting is not open.")


class AlreadyVoted(Conflict):
    default_message = _l("You have already voted. Each person has one vote.")


class NotEligible(Forbidden):
    default_message = _l("Only registered participants of this event can vote.")


class OwnFinalist(Forbidden):
    default_message = _l("You belong to this finalist's team and cannot vote for it.")


class OwnCandidacy(Forbidden):
    default_message = _l("This award is about you: you cannot vote for yourself.")


class CardsNotAllowed(Forbidden):
    default_message = _l("This vote is for personal links only: please sign in with the link "
                         "from your mail.")


class VoidedCard(Forbidden):
    default_message = _l("This vote card was reported lost and no longer counts. Please ask "
                         "at the registration desk.")


class NotCountedYet(Conflict):
    default_message = _l("The votes are counted when voting has closed.")


@dataclass(frozen=True)
class Standing:
    option_id: int
    finalist_id: int | None  # None: a person or an answer
    organisation: str  # the main line: a finalist's organisation, a person's name
    project_title: str  # the second line: a finalist's project, a person's role
    answer: str | None  # a question's yes/no/abstain (its label is translated when shown)
    votes: int
    rank: int  # shared by a tie: 1, 1, 3


# --- the hot path's statements ----------------------------------------------------------
# Built once: SQLAlchemy then reuses their compiled form, and a request spends no time
# building SQL (the voter query cost more to build than to run). They run as Core on the
# session's connection, in its transaction: the ORM's handling of a statement that names
# mapped columns cost as much CPU as the round trip (bench/profile_vote.py --parts).

_TEAM = (select(FinalistTeamMember.user_id, FinalistTeamMember.finalist_id).join(Finalist)
         .where(Finalist.event_id == bindparam("event_id")).subquery())
_VOTER = (
    select(Registration.status, Registration.checked_in_at, Registration.present_online,
           Registration.vote_card_received,
           select(Participation.user_id).where(Participation.poll_id == bindparam("poll_id"),
                                               Participation.user_id == bindparam("user_id"))
           .exists().label("has_voted"),
           _TEAM.c.finalist_id)
    .outerjoin(_TEAM, _TEAM.c.user_id == Registration.user_id)
    # The session's generation as a condition: a session ended by signing out everywhere
    # finds no voter, so the vote need not load the signed-in user to check it.
    .join(User, (User.id == Registration.user_id)
          & (User.session_generation == bindparam("generation")))
    .where(Registration.event_id == bindparam("event_id"),
           Registration.user_id == bindparam("user_id")))
# The same for casting: it holds the registration until the vote commits, so that the desk
# cannot hand its holder a vote card meanwhile (checkin/services.py waits for it and then
# sees the vote), nor a vote go through after the card was handed out.
_VOTER_HELD = _VOTER.with_for_update(read=True, of=Registration.__table__)
# On PostgreSQL the vote's first statement also sets its timeouts (as faults.limit_waiting
# would, one round trip less): set there, they bound the lock it waits for and what follows.
_WAIT_LIMITS = (func.set_config("lock_timeout", bindparam("lock_timeout", type_=String), True),
                func.set_config("statement_timeout",
                                bindparam("statement_timeout", type_=String), True))
_VOTER_CASTING = {False: _VOTER.add_columns(*_WAIT_LIMITS),
                  True: _VOTER_HELD.add_columns(*_WAIT_LIMITS)}  # by whether cards may vote
_CARD_HAS_VOTED = (select(CardParticipation.card_id)
                   .where(CardParticipation.poll_id == bindparam("poll_id"),
                          CardParticipation.card_id == bindparam("card_id")).exists())
_INBOX = InboxBallot.__table__
_POLLS = Poll.__table__


@dataclass(frozen=True)
class _CastStatements:
    """A vote's writes: who voted (a person's or a card's participation), what (into the
    inbox), and the count, which proves the poll open at the commit and numbers the vote
    (the poll row is locked until the commit, so each number comes once). SQLite runs them one
    by one; PostgreSQL in one statement, one round trip."""

    participation: Insert
    into_inbox: Insert
    count: Update
    at_once: Select


def _cast_statements(participations: Table, voter_column: str) -> _CastStatements:
    count = (update(_POLLS)
             .where(_POLLS.c.id == bindparam("poll_id"), _POLLS.c.status == POLL_OPEN)
             .values(votes_cast=_POLLS.c.votes_cast + 1))
    # In one statement the count comes first: nothing is written unless the poll is open.
    counted = count.returning(_POLLS.c.id, _POLLS.c.votes_cast).cte("counted")
    voted = (insert(participations)
             .from_select(["poll_id", voter_column],
                          select(counted.c.id, bindparam("voter_id", type_=Integer)))
             .returning(participations.c.poll_id).cte("voted"))
    cast = (insert(_INBOX)
            .from_select(["id", "poll_id", "option_id", "receipt"],
                         select(bindparam("ballot_id", type_=String), voted.c.poll_id,
                                bindparam("option_id", type_=Integer),
                                bindparam("receipt", type_=String)))
            .returning(_INBOX.c.poll_id).cte("cast"))
    return _CastStatements(
        participation=insert(participations).values(
            {"poll_id": bindparam("poll_id"), voter_column: bindparam("voter_id")}),
        into_inbox=insert(_INBOX).values(
            id=bindparam("ballot_id"), poll_id=bindparam("poll_id"),
            option_id=bindparam("option_id"), receipt=bindparam("receipt")),
        count=count.returning(_POLLS.c.votes_cast),
        at_once=select(counted.c.votes_cast).where(select(cast).exists()))


_PERSONAL_CAST = _cast_statements(Participation.__table__, "user_id")
_CARD_CAST = _cast_statements(CardParticipation.__table__, "card_id")
# The mixer's statements: the inbox gives up its ballots only if enough of them wait.
_TAKE_FROM_INBOX = (
    delete(_INBOX)
    .where(_INBOX.c.poll_id == bindparam("poll_id"),
           select(func.count()).select_from(_INBOX)
           .where(_INBOX.c.poll_id == bindparam("poll_id")).scalar_subquery()
           >= bindparam("minimum"))
    .returning(_INBOX.c.option_id, _INBOX.c.receipt))
_BALLOTS = Ballot.__table__
_TAKE_BALLOTS = (delete(_BALLOTS).where(_BALLOTS.c.poll_id == bindparam("poll_id"))
                 .returning(_BALLOTS.c.option_id, _BALLOTS.c.receipt))
_INSERT_BALLOT = insert(_BALLOTS)
# On PostgreSQL a vote's mixer is one statement in autocommit: the try-lock (held until the
# statement ends), the take above, and writing the batch under new random ids in a random
# order, both drawn from the server's strong random source (gen_random_uuid, PostgreSQL 13
# and later), as `secrets` draws them on SQLite. One round trip instead of five, and a
# sixteenth of a vote's CPU less (bench/README.md).
_TAKEN_IF_FREE = _TAKE_FROM_INBOX.where(
    select(func.pg_try_advisory_xact_lock(MIXING_LOCK, bindparam("poll_id"))).scalar_subquery()
).cte("taken")
_MIX_FULL_BATCH = insert(_BALLOTS).from_select(
    ["id", "poll_id", "option_id", "receipt"],
    select(func.replace(func.gen_random_uuid().cast(String), "-", ""),
           bindparam("poll_id", type_=Integer), _TAKEN_IF_FREE.c.option_id,
           _TAKEN_IF_FREE.c.receipt)
    .order_by(func.gen_random_uuid()))


# --- who may vote -------------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    """What the ballot needs to know about a person: read in one query, the hot path."""

    registration_status: str | None  # None: not registered for the event
    checked_in: bool
    present_online: bool
    has_card: bool  # the desk handed them a vote card
    has_voted: bool
    own_finalist_ids: frozenset[int]


def voter_in(poll: Poll, user: Person, casting: bool = False) -> Voter:
    """The user's registration, team memberships and participation in the poll, at once
    (none for a session that has ended). `casting`: the first statement of the vote's
    transaction (on PostgreSQL it holds the registration if cards may vote, see _VOTER_HELD,
    and sets the vote's timeouts)."""
    values = {"event_id": poll.event_id, "poll_id": poll.id, "user_id": user.id,
              "generation": user.session_generation}
    connection = db.session.connection()
    statement = _VOTER
    if casting and connection.dialect.name == "postgresql":
        statement = _VOTER_CASTING[poll.cards_may_vote]
        values.update(lock_timeout=str(current_app.config["VOTE_LOCK_TIMEOUT_MS"]),
                      statement_timeout=str(current_app.config["VOTE_STATEMENT_TIMEOUT_MS"]))
    rows = connection.execute(statement, values).all()
    if not rows:
        return Voter(None, False, False, False, False, frozenset())
    status, checked_in_at, present_online, has_card, has_voted_already = rows[0][:5]
    return Voter(status, checked_in_at is not None, present_online, has_card,
                 bool(has_voted_already),
                 frozenset(row.finalist_id for row in rows if row.finalist_id is not None))


def check_eligible(poll: Poll, voter: Voter) -> None:
    """Raise NotEligible unless the voter's registration entitles them to vote in the poll."""
    if voter.registration_status != STATUS_CONFIRMED:
        raise NotEligible()
    if poll.eligibility == ELIGIBLE_CHECKED_IN and not voter.checked_in:
        raise NotEligible(_l("Only participants who have checked in at the venue can vote."))
    if poll.eligibility == ELIGIBLE_PRESENT and not (voter.checked_in or voter.present_online):
        raise NotEligible(_l("Only participants who are here can vote: check in at the venue, "
                             "or follow the meeting on its stage page."))
    if poll.cards_may_vote and voter.has_card:
        # Their card votes; the link must not vote a second time.
        raise NotEligible(_l("You received a vote card at the desk: please vote with it."))


def is_own(option: PollOption, voter: Voter, user: Person) -> bool:
    """Whether the option is the voter's own: their finalist's team, or the award's about them."""
    return (option.finalist_id in voter.own_finalist_ids
            or (option.user_id is not None and option.user_id == user.id))


@dataclass(frozen=True)
class BallotSheet:
    """The ballot as one person sees it now."""

    choices: list[PollOption]  # what they may choose: never their own finalist, nor themselves
    own_finalist_ids: frozenset[int]
    has_voted: bool
    refusal: NotEligible | None  # why they may not vote in the open poll
    hides_own: bool = False  # an option left off because it is theirs


def ballot_sheet(poll: Poll | None, user: Person) -> BallotSheet:
    """What the ballot page shows the user; who they are as a voter matters only while open."""
    if poll is None or poll.status != POLL_OPEN:
        return BallotSheet(list(poll.candidates) if poll else [], frozenset(), False, None)
    voter = voter_in(poll, user)
    try:
        check_eligible(poll, voter)
        refusal = None
    except NotEligible as error:
        refusal = error
    choices = [o for o in poll.candidates if not is_own(o, voter, user)]
    return BallotSheet(choices, voter.own_finalist_ids, voter.has_voted, refusal,
                       hides_own=len(choices) < len(poll.candidates))


# --- casting a vote -----------------------------------------------------------------------


def check_vote(poll: Poll | None, user: Person, option_id: int,
               casting: bool = False) -> PollOption:
    """Every rule a vote must pass before it is cast; the chosen option, or the first error.

    Whether the user voted already is read here for the message; when the vote is cast,
    the unique key of participations decides, however many votes arrive at once.
    `casting`: the first step of the vote's transaction (see voter_in).
    """
    if poll is None or poll.status != POLL_OPEN:
        raise PollNotOpen()
    voter = voter_in(poll, user, casting)
    check_eligible(poll, voter)
    chosen = next((o for o in poll.candidates if o.id == option_id), None)
    if chosen is None:
        raise InvalidInput(_l("Please choose one of the options."))
    if chosen.finalist_id in voter.own_finalist_ids:
        raise OwnFinalist()
    if is_own(chosen, voter, user):
        raise OwnCandidacy()
    if voter.has_voted:
        raise AlreadyVoted()
    return chosen


def open_poll_voted_by_link(event_id: int, user_id: int) -> Poll | None:
    """The event's open poll that cards may vote in and this person voted in by link: a card
    handed to them now would vote a second time in it. Joins the caller's transaction."""
    return db.session.scalar(
        select(Poll).join(Participation, Participation.poll_id == Poll.id)
        .where(Poll.event_id == event_id, Poll.status == POLL_OPEN, Poll.cards_may_vote,
               Participation.user_id == user_id))


def _new_receipt() -> str:
    # One draw of the whole code, its symbols the number's digits in base 31: one call to
    # the system's random source per vote instead of one per symbol.
    number = secrets.randbelow(len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH)
    symbols = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        symbols.append(RECEIPT_ALPHABET[digit])
    code = "".join(symbols)
    return f"{code[:5]}-{code[5:]}"


def cast_vote(poll: Poll | None, user: Person, option_id: int) -> str:
    """Cast the user's one vote and return the receipt code (shown once, stored nowhere else)."""
    if poll is None or poll.status != POLL_OPEN:
        raise PollNotOpen()
    return _cast(poll, _PERSONAL_CAST, user.id, option_id,
                 check=lambda: check_vote(poll, user, option_id, casting=True))


# --- voting with a card ---------------------------------------------------------------------


def card_sheet(poll: Poll | None, card: VoteCard) -> BallotSheet:
    """The ballot as a card's holder sees it: every candidate (a card cannot tell whose
    team its holder is in: the page asks them not to vote for their own)."""
    candidates = list(poll.candidates) if poll else []
    if poll is None or poll.status != POLL_OPEN:
        return BallotSheet(candidates, frozenset(), False, None)
    voted = db.session.scalar(select(_CARD_HAS_VOTED),
                              {"poll_id": poll.id, "card_id": card.id})
    refusal = (VoidedCard() if card.voided_at is not None
               else None if poll.cards_may_vote else CardsNotAllowed())
    return BallotSheet(candidates, frozenset(), bool(voted), refusal)


def check_card_vote(poll: Poll | None, card: VoteCard, option_id: int) -> PollOption:
    """Every rule a card's vote must pass before it is cast; the chosen option."""
    if poll is None or poll.status != POLL_OPEN or card.event_id != poll.event_id:
        raise PollNotOpen()
    sheet = card_sheet(poll, card)
    if sheet.refusal:
        raise sheet.refusal
    chosen = next((o for o in sheet.choices if o.id == option_id), None)
    if chosen is None:
        raise InvalidInput(_l("Please choose one of the options."))
    if sheet.has_voted:
        raise AlreadyVoted(_l("This vote card has voted already. Each card has one vote."))
    return chosen


def cast_card_vote(poll: Poll | None, card: VoteCard, option_id: int) -> str:
    """Cast the card's one vote in the poll; the receipt, as for a personal vote."""
    check_card_vote(poll, card, option_id)
    return _cast(poll, _CARD_CAST, card.id, option_id, check=_limit_waiting)


def _limit_waiting() -> None:
    # An organiser's transaction holding the poll row makes a vote a 503, not a queue.
    limit_waiting(current_app.config["VOTE_LOCK_TIMEOUT_MS"],
                  current_app.config["VOTE_STATEMENT_TIMEOUT_MS"])


def _cast(poll: Poll, statements: _CastStatements, voter_id: int, option_id: int,
          check: Callable[[], object]) -> str:
    """Write who voted (a person or a card) and what, count it while the poll is open;
    `check` runs first inside the transaction: the rules, where what they read holds, and the
    vote's timeouts (a personal vote's rules set them in their statement, voter_in)."""
    receipt = _new_receipt()
    try:
        # Only Core statements below: nothing loaded needs reading again after the commit.
        with write_transaction(expire_on_commit=False):
            check()
            values = {"poll_id": poll.id, "voter_id": voter_id, "option_id": option_id,
                      "ballot_id": secrets.token_hex(16), "receipt": receipt}
            connection = db.session.connection()
            if connection.dialect.name == "postgresql":
                number = connection.execute(statements.at_once, values).scalar()
            else:
                connection.execute(statements.participation, values)
                connection.execute(statements.into_inbox, values)
                number = connection.execute(statements.count, values).scalar()
            if number is None:
                raise PollNotOpen()
            # Every batch-th vote starts the mixer: when it commits, the votes numbered
            # before it have committed too (the poll row's lock), so a full batch waits.
            if number % current_app.config["BALLOT_MIX_BATCH"] == 0:
                after_commit(partial(_mix_after_vote, poll.id))
    except IntegrityError as error:
        raise AlreadyVoted() from error
    return receipt


# --- mixing -------------------------------------------------------------------------------


def _mix_after_vote(poll_id: int) -> None:
    """Move a full batch out of the inbox, unless another mixer is at it.

    Runs after a vote's commit; a failure costs that vote nothing (its ballot waits in the
    inbox for the next batch or the close), so it is logged, not raised.
    """
    try:
        _mix_full_batch(poll_id)
    except Exception:
        log.exception("Mixing the ballots of poll %s failed; they wait in the inbox", poll_id)


def _mix_full_batch(poll_id: int) -> None:
    """Move the waiting ballots if a full batch waits and no other mixer is at it."""
    minimum = current_app.config["BALLOT_MIX_BATCH"]
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as sql:
            sql.execute(_MIX_FULL_BATCH, {"poll_id": poll_id, "minimum": minimum})
    else:
        with write_transaction(expire_on_commit=False):  # SQLite's one writer: the lock
            _move_batch(poll_id, at_close=False)


def mix_at_close(poll_id: int) -> None:
    """Mix every ballot of the poll into one random order, inside the closing transaction.

    The poll is closed already in this transaction, so no vote can add to the inbox.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Waits for a vote's mixer at work (on SQLite the write transaction is the lock).
        db.session.execute(select(func.pg_advisory_xact_lock(MIXING_LOCK, poll_id)))
    _move_batch(poll_id, at_close=True)
    after_commit(_erase_traces)


def _move_batch(poll_id: int, at_close: bool) -> None:
    """Move the poll's waiting ballots into `ballots`, shuffled, under new random ids.

    During the vote only a full batch moves; ballots whose votes commit meanwhile wait for
    the next one. At the close the poll's earlier batches are taken in as well: deleted and
    written again with the rest in one random order.
    """
    minimum = 0 if at_close else current_app.config["BALLOT_MIX_BATCH"]
    moving = db.session.execute(_TAKE_FROM_INBOX, {"poll_id": poll_id, "minimum": minimum}).all()
    if at_close:
        moving += db.session.execute(_TAKE_BALLOTS, {"poll_id": poll_id}).all()
    random.SystemRandom().shuffle(moving)
    if moving:
        db.session.execute(_INSERT_BALLOT, [
            {"id": secrets.token_hex(16), "poll_id": poll_id, "option_id": option_id,
             "receipt": receipt} for option_id, receipt in moving])


def _erase_traces() -> None:
    """Remove what the deleted rows of the poll's ballots left behind, after the close.

    PostgreSQL keeps deleted rows (with their xmin) until VACUUM, and old bytes in a page's
    free space after it: VACUUM FULL writes both tables anew. SQLite overwrites deleted
    rows itself (secure_delete), but its WAL holds earlier copies of the pages: it is
    checkpointed and truncated. During the vote neither is worth its cost: whoever can read
    dead rows (the data files) can read PostgreSQL's WAL too, which holds every vote whole.
    """
    try:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as sql:
                # It waits for the tables' readers and everybody waits for it: not for long.
                sql.exec_driver_sql(f"SET lock_timeout = {ERASING_WAIT_MS}")
                try:
                    sql.exec_driver_sql("VACUUM FULL ballot_inbox, ballots")
                finally:
                    sql.exec_driver_sql("RESET lock_timeout")
        else:
            _truncate_sqlite_wal()
    except Exception:
        log.exception("Erasing the traces of mixed ballots failed")


def _truncate_sqlite_wal() -> None:
    # The checkpoint waits for readers of older snapshots and holds back every writer
    # meanwhile: it gives up soon rather than let votes in other polls wait.
    connection = db.engine.raw_connection()
    sqlite = connection.driver_connection
    try:
        sqlite.execute(f"PRAGMA busy_timeout = {ERASING_WAIT_MS}")
        busy, _frames, _done = sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        sqlite.execute(f"PRAGMA busy_timeout = {current_app.config['SQLITE_BUSY_TIMEOUT_MS']}")
        connection.close()
    if busy:
        log.warning("SQLite's WAL still holds earlier pages of the ballots: a reader was busy")


# --- counting -----------------------------------------------------------------------------


def tally(poll: Poll) -> list[Standing]:
    """Votes per option, most first (ties in the ballot's order), with shared ranks for ties.

    Only a closed poll is counted: its closing mixed every ballot into the ballot table.
    """
    if poll.status not in (POLL_CLOSED, POLL_ANNOUNCED, POLL_REVEALED):
        raise NotCountedYet()
    counts = dict(db.session.execute(
        select(Ballot.option_id, func.count()).where(Ballot.poll_id == poll.id)
        .group_by(Ballot.option_id)).all())
    ranked = sorted(poll.candidates, key=lambda o: -counts.get(o.id, 0))
    standings, rank = [], 0
    for position, option in enumerate(ranked, start=1):
        votes = counts.get(option.id, 0)
        if not standings or votes != standings[-1].votes:
            rank = position
        standings.append(Standing(option.id, option.finalist_id,
                                  option.name if option.answer else option.organisation,
                                  option.project_title, option.answer, votes, rank))
    return standings


def tied_at_top(standings: list[Standing]) -> list[Standing]:
    """The standings sharing first place when more than one does (else empty)."""
    top = [s for s in standings if s.rank == 1]
    return top if len(top) > 1 else []


def receipts_of(poll: Poll) -> list[tuple[str, int]]:
    """Every (receipt, option id) of a revealed poll, in receipt order: the public recount."""
    if poll.status != POLL_REVEALED:
        raise Forbidden(_l("Receipts are published with the result."))
    return [tuple(row) for row in db.session.execute(
        select(Ballot.receipt, Ballot.option_id).where(Ballot.poll_id == poll.id)
        .order_by(Ballot.receipt))]


def normalise_receipt(code: str) -> str:
    """A receipt as typed by a person (any case, spaces, missing hyphen) in its printed form."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(symbols) != RECEIPT_LENGTH:
        return ""
    return f"{symbols[:5]}-{symbols[5:]}"
