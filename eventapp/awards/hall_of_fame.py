"""The hall of fame: the app's own revealed winners and the past winners from before the app.

A meeting keeps its place when it is archived (and anonymised): the result is a snapshot
that names organisations, never people. Past winners are typed in by organisers, so that a
network's hall of fame is complete from its first award.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..errors import InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from ..networks.services import default_network
from .models import PastWinner, Poll, PollKind, PollStatus, ResultSnapshot

FIRST_YEAR = 1900
PAST_WINNER_FIELDS = ("year", "award", "organisation", "project", "note")
LENGTHS = {"award": 200, "organisation": 200, "project": 300, "note": 2000}


@dataclass(frozen=True)
class Entry:
    """One award of one year: who won it, and where its full result is (the app's own)."""

    year: int
    award: str
    winners: list[tuple[str, str]]  # (organisation, project)
    note: str = ""
    event: Event | None = None  # the meeting whose results page lists every vote


def hall_of_fame(network_id: int | None = None) -> list[Entry]:
    """Every winner, newest year first: the app's revealed results and the past winners; of
    one network, or of all."""
    entries = _revealed_winners(network_id) + [
        Entry(w.year, w.award, [(w.organisation, w.project)], w.note)
        for w in past_winners(None if network_id is None else [network_id])]
    # Within a year, the app's own result (with its page) comes first; sorted() is stable.
    return sorted(entries, key=lambda entry: -entry.year)


def _revealed_winners(network_id: int | None) -> list[Entry]:
    """The decisive revealed result (the last one, a run-off) of every award of every
    published or archived meeting, newest first; questions are no awards."""
    query = (select(Event, Poll, ResultSnapshot).join(Poll, Poll.event_id == Event.id)
             .join(ResultSnapshot, ResultSnapshot.poll_id == Poll.id)
             .where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.ARCHIVED)),
                    Poll.status == PollStatus.REVEALED, Poll.kind != PollKind.QUESTION)
             .order_by(Event.starts_at.desc(), Poll.id))
    if network_id is not None:
        query = query.where(Event.network_id == network_id)
    rows = db.session.execute(query)
    award_of: dict[int, int] = {}  # poll id -> the first poll of its award (before run-offs)
    titles: dict[int, str] = {}
    decisive: dict[int, Entry] = {}
    for event, poll, snapshot in rows:
        award = award_of.get(poll.parent_id, poll.parent_id) if poll.is_runoff else poll.id
        award_of[poll.id] = award
        titles.setdefault(award, poll.title)  # a run-off keeps its award's title
        decisive[award] = Entry(  # later polls (run-offs) win
            event.year, titles[award], [(e["organisation"], e["project_title"])
                                        for e in snapshot.ranking if e["rank"] == 1],
            event=event)
    return list(decisive.values())


# --- past winners, kept by organisers -----------------------------------------------------


def past_winners(network_ids: list[int] | None = None) -> list[PastWinner]:
    """The winners typed in by organisers, newest year first; of these networks, or of all."""
    query = select(PastWinner).order_by(PastWinner.year.desc(), PastWinner.id)
    if network_ids is not None:
        query = query.where(PastWinner.network_id.in_(network_ids))
    return list(db.session.scalars(query))


def get_past_winner(winner_id: int) -> PastWinner:
    """One past winner, or 404."""
    winner = db.session.get(PastWinner, winner_id)
    if winner is None:
        raise NotFound()
    return winner


def _clean(values: dict) -> dict:
    """The values of a past winner, checked: a year up to this one, the texts given."""
    values = {key: values.get(key) for key in PAST_WINNER_FIELDS}
    year = values["year"]
    if not isinstance(year, int) or not FIRST_YEAR <= year <= utcnow().year:
        raise InvalidInput(_l("Enter a year between %(first)d and %(last)d.",
                              first=FIRST_YEAR, last=utcnow().year))
    for key, limit in LENGTHS.items():
        values[key] = (values[key] or "").strip()
        if len(values[key]) > limit:
            raise InvalidInput(_l("A text is too long (at most %(limit)d characters).",
                                  limit=limit))
        if key != "note" and not values[key]:
            raise InvalidInput(_l("Year, award, organisation and project are required."))
    return values


def add_past_winner(actor, network=None, **values) -> PastWinner:
    """Enter a winner from before the app into a network's hall of fame (else the first's)."""
    values = _clean(values)
    network = network or default_network()
    with write_transaction():
        winner = PastWinner(**values, network_id=network.id)
        db.session.add(winner)
        db.session.flush()
        record(actor, "past_winner.created", None, winner=winner.id, year=winner.year,
               organisation=winner.organisation)
    return winner


def update_past_winner(actor, winner: PastWinner, **values) -> PastWinner:
    """Correct a past winner."""
    values = _clean(values)
    with write_transaction():
        changed = [key for key, value in values.items() if getattr(winner, key) != value]
        for key, value in values.items():
            setattr(winner, key, value)
        record(actor, "past_winner.updated", None, winner=winner.id, fields=changed)
    return winner


def delete_past_winner(actor, winner: PastWinner) -> None:
    """Remove a past winner from the hall of fame."""
    with write_transaction():
        record(actor, "past_winner.deleted", None, winner=winner.id, year=winner.year,
               organisation=winner.organisation)
        db.session.delete(winner)
