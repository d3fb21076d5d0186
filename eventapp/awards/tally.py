"""Counting a closed poll: votes per option with shared ranks, a tie at the top, and the
receipts published with the result for anyone to recount."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import Conflict, Forbidden
from ..extensions import db
from .models import Ballot, Poll, PollStatus


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


def tally(poll: Poll) -> list[Standing]:
    """Votes per option, most first (ties in the ballot's order), with shared ranks for ties.

    Only a closed poll is counted: its closing mixed every ballot into the ballot table.
    """
    if poll.status not in (PollStatus.CLOSED, PollStatus.ANNOUNCED, PollStatus.REVEALED):
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
    if poll.status != PollStatus.REVEALED:
        raise Forbidden(_l("Receipts are published with the result."))
    return [tuple(row) for row in db.session.execute(
        select(Ballot.receipt, Ballot.option_id).where(Ballot.poll_id == poll.id)
        .order_by(Ballot.receipt))]


def in_ballot_order(poll: Poll, entries: list) -> list:
    """A question's counted answers (Standings or a snapshot's entries) in the ballot's order
    (yes, no, abstain): a question shows its shares, not places."""
    position = {option.id: index for index, option in enumerate(poll.candidates)}
    return sorted(entries, key=lambda entry: position.get(
        entry["option_id"] if isinstance(entry, dict) else entry.option_id, len(position)))


def share(votes: int, cast: int) -> float:
    """The share of the votes cast, 0 to 1."""
    return votes / cast if cast else 0.0
