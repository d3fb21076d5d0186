"""Casting a vote: the rules a vote must pass, and writing it so that it counts iff its
transaction commits while the poll is open.

The vote's last write is `UPDATE polls SET votes_cast = votes_cast + 1 WHERE status =
'open'`, which holds the poll row until commit, so that closing the poll (polls.py) waits for
the votes in flight. Who voted (a participation) and what (a ballot in the inbox, with the
receipt) are written in one transaction; mixing.py then moves the ballots out of reach of
the participations. The unique key of participations decides a double vote.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert, Update

from ..database import after_commit, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..faults import limit_waiting
from . import mixing
from .eligibility import (
    BallotSheet,
    Person,
    ballot_sheet,
    card_sheet,
    check_eligible,
    is_own,
    upcoming_sheet,
    voter_in,
)
from .models import (
    CardParticipation,
    InboxBallot,
    Participation,
    Poll,
    PollOption,
    PollStatus,
    VoteCard,
)
from .receipts import new_receipt
from .signals import turnout_changed


class PollNotOpen(Conflict):
    default_message = _l("Voting is not open.")


class AlreadyVoted(Conflict):
    default_message = _l("You have already voted. Each person has one vote.")


class OwnFinalist(Forbidden):
    default_message = _l("You belong to this finalist's team and cannot vote for it.")


class OwnCandidacy(Forbidden):
    default_message = _l("This award is about you: you cannot vote for yourself.")

@dataclass(frozen=True)
class VoteOutcome:
    """What a ballot's post came to: the chosen option to confirm, or the cast vote's receipt
    (shown once, stored nowhere that links it to the voter)."""

    chosen: PollOption | None = None
    receipt: str | None = None


def sheet_for(poll: Poll | None, *, card: VoteCard | None = None,
              person: Person | None = None) -> BallotSheet:
    """The ballot as this card's holder or this person sees it now."""
    return card_sheet(poll, card) if card is not None else ballot_sheet(poll, person)


def upcoming_sheets(drafts: list[Poll], *, card: VoteCard | None = None,
                    person: Person | None = None) -> list[tuple[Poll, BallotSheet]]:
    """The ballots of the drafts that may open next, for a page that waits for the vote:
    those with their options set (a finalists poll without a choice gets them only when it
    opens) and open to this voter (a card only where cards may vote)."""
    return [(poll, card_sheet(poll, card) if card is not None else upcoming_sheet(poll, person))
            for poll in drafts
            if len(poll.candidates) >= 2 and (card is None or poll.cards_may_vote)]


def vote(poll: Poll | None, option_id: int, *, confirmed: bool, card: VoteCard | None = None,
         person: Person | None = None) -> VoteOutcome:
    """The ballot's post, by a card or a person: check the choice (to confirm it), or cast it."""
    if not confirmed:
        chosen = (check_card_vote(poll, card, option_id) if card is not None
                  else check_vote(poll, person, option_id))
        return VoteOutcome(chosen=chosen)
    receipt = (cast_card_vote(poll, card, option_id) if card is not None
               else cast_vote(poll, person, option_id))
    return VoteOutcome(receipt=receipt)


# The writes are built once (as the voter query, eligibility.py) and run as Core.
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
    at_once: Update


def _count(poll_id) -> Update:
    """One more vote in the poll's count while it is open; the vote's number."""
    return (update(_POLLS)
            .where(_POLLS.c.id == poll_id, _POLLS.c.status == PollStatus.OPEN)
            .values(votes_cast=_POLLS.c.votes_cast + 1)
            .returning(_POLLS.c.votes_cast))


def _cast_statements(participations: Table, voter_column: str) -> _CastStatements:
    participation = insert(participations).values(
        {"poll_id": bindparam("poll_id"), voter_column: bindparam("voter_id")})
    voted = participation.returning(participations.c.poll_id).cte("voted")
    cast = (insert(_INBOX)
            .from_select(["id", "poll_id", "option_id", "receipt"],
                         select(bindparam("ballot_id", type_=String), voted.c.poll_id,
                                bindparam("option_id", type_=Integer),
                                bindparam("receipt", type_=String)))
            .returning(_INBOX.c.poll_id).cte("cast"))
    return _CastStatements(
        participation=participation,
        into_inbox=insert(_INBOX).values(
            id=bindparam("ballot_id"), poll_id=bindparam("poll_id"),
            option_id=bindparam("option_id"), receipt=bindparam("receipt")),
        count=_count(bindparam("poll_id")),
        # In one statement the count comes last, as on SQLite: the poll's row is found by
        # the inserted ballot, so the inserts run before the row is locked, and a full
        # hall's votes queue on that lock only for the count and the commit. A vote that
        # finds the poll closed rolls its inserts back (_cast).
        at_once=_count(select(cast.c.poll_id).scalar_subquery()))


_PERSONAL_CAST = _cast_statements(Participation.__table__, "user_id")
_CARD_CAST = _cast_statements(CardParticipation.__table__, "card_id")


def check_vote(poll: Poll | None, user: Person, option_id: int,
               casting: bool = False) -> PollOption:
    """Every rule a vote must pass before it is cast; the chosen option, or the first error.

    Whether the user voted already is read here for the message; when the vote is cast,
    the unique key of participations decides, however many votes arrive at once.
    `casting`: the first step of the vote's transaction (see voter_in).
    """
    if poll is None or poll.status != PollStatus.OPEN:
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


def cast_vote(poll: Poll | None, user: Person, option_id: int) -> str:
    """Cast the user's one vote and return the receipt code (shown once, stored nowhere else)."""
    if poll is None or poll.status != PollStatus.OPEN:
        raise PollNotOpen()
    return _cast(poll, _PERSONAL_CAST, user.id, option_id,
                 check=lambda: check_vote(poll, user, option_id, casting=True))

def check_card_vote(poll: Poll | None, card: VoteCard, option_id: int) -> PollOption:
    """Every rule a card's vote must pass before it is cast; the chosen option."""
    if poll is None or poll.status != PollStatus.OPEN or card.event_id != poll.event_id:
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
    receipt = new_receipt()
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
                after_commit(partial(mixing.mix_after_vote, poll.id))
            after_commit(partial(turnout_changed.send, poll.event_id))  # the screens' count
    except IntegrityError as error:
        raise AlreadyVoted() from error
    return receipt


