"""The public results of an event: what was announced (a stored snapshot) and what is public
(revealed), with every receipt for anyone to recount. Nothing here shows a result before its
reveal."""

from dataclasses import dataclass
from functools import cached_property

from flask_babel import lazy_gettext as _l

from ..errors import Conflict, NotFound
from ..events.models import Event
from ..extensions import db
from .models import Poll, PollKind, PollStatus, ResultSnapshot, answer_label
from .polls import polls_of
from .tally import in_ballot_order, receipts_of, share


class NoPublicResult(NotFound):
    default_message = _l("The result has not been published yet.")


class ResultNotPublic(Conflict):
    default_message = _l("The result is not public yet: reveal the winner on the big screen "
                         "or publish the result without a show.")




def snapshot_of(poll: Poll) -> ResultSnapshot | None:
    """The announced result of the poll, if it was announced."""
    return db.session.get(ResultSnapshot, poll.id)


def revealed_polls(event: Event) -> list[Poll]:
    """The event's polls whose result is public, the decisive one (a run-off) first."""
    return [poll for poll in reversed(polls_of(event)) if poll.status == PollStatus.REVEALED]


@dataclass(frozen=True)
class PublicResult:
    poll: Poll
    snapshot: ResultSnapshot
    receipts: list[tuple[str, int]]  # (receipt, option id): the public recount

    @cached_property
    def entries(self) -> list[dict]:
        """What the page lists: an award's places; a question's answers in the ballot's order,
        each with its share of the votes."""
        if self.poll.kind != PollKind.QUESTION:
            return self.snapshot.ranking
        cast = self.snapshot.votes_cast
        return [{**entry, "share": share(entry["votes"], cast)}
                for entry in in_ballot_order(self.poll, self.snapshot.ranking)]

    @cached_property
    def names(self) -> dict[int, str]:
        return {entry["option_id"]: entry_label(entry) for entry in self.snapshot.ranking}


def entry_label(entry) -> str:
    """The main line of a result's entry (a stored dict or a Standing), an answer in the
    reader's language."""
    if isinstance(entry, dict):
        answer, main = entry.get("answer"), entry["organisation"]
    else:
        answer, main = entry.answer, entry.organisation
    return str(answer_label(answer)) if answer else main


def public_results(event: Event) -> list[PublicResult]:
    """The event's public results with their receipts, the decisive one first; else 404."""
    revealed = revealed_polls(event)
    if not revealed:
        raise NoPublicResult()
    return [PublicResult(poll, snapshot_of(poll), receipts_of(poll)) for poll in revealed]
