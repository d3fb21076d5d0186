"""Polls: set up, open, close, run-off, announce, reveal (the public results: results.py).

A poll goes draft → open → closed → announced → revealed. Closing is
`UPDATE polls SET status = 'closed' WHERE status = 'open'`, which waits for the votes in
flight (each holds the poll row until its commit, see voting.py) and stops every later one;
the same transaction then mixes the last ballots in, so a closed poll is a counted one.
Announcing stores the result; only revealing (the big screen reaching the winner, or the
organiser publishing without a show) makes it public, poll by poll (a run-off with the tie
it settled), so that no page, mail or phone spoils the ceremony.
"""

from dataclasses import asdict, dataclass
from functools import partial

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, joinedload

from ..audit.services import record
from ..auth.models import User
from ..caching import TimedCache
from ..database import after_commit, utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..events.services import EventNotFound
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus
from ..registration.services import registered_user
from ..registration.signals import place_taken
from .finalists import finalists_of
from .mixing import mix_at_close
from .models import (
    Answer,
    Eligibility,
    Poll,
    PollKind,
    PollOption,
    PollStatus,
    ResultSnapshot,
)
from .photos import NO_PHOTO, photos_of
from .signals import finalists_changed, poll_revealed, turnout_changed
from .tally import tally, tied_at_top

# Built once (the ballot page reads it on every request): see eligibility.py. The poll the
# live control put on the screen last (opened, brought back, or a run-off); none before the
# first vote opens: a draft is nobody's business but the organisers'.
_CURRENT_POLL = (select(Poll).options(joinedload(Poll.candidates))
                 .where(Poll.event_id == bindparam("event_id"), Poll.on_screen_at.is_not(None))
                 .order_by(Poll.on_screen_at.desc(), Poll.id.desc()).limit(1))
_NEWEST_POLL = (select(Poll).options(joinedload(Poll.candidates))
                .where(Poll.event_id == bindparam("event_id")).order_by(Poll.id.desc()).limit(1))


# --- reading ------------------------------------------------------------------------------


def polls_of(event: Event) -> list[Poll]:
    """The event's polls, oldest first (a run-off follows its parent)."""
    return list(db.session.scalars(select(Poll).where(Poll.event_id == event.id)
                                   .order_by(Poll.id)))


def current_poll(event: Event) -> Poll | None:
    """The poll that matters now, for everyone alike: the one put on the screen last (a
    run-off replaces its parent); None until the first vote opens.

    The ballot page, the live state the phones and screens follow (live/services.py), the
    event page and the mails all take it from here, so that they agree: a phone whose page
    and state disagreed reloaded again and again (issue 35). Its candidates come in the same
    query: every page that shows the poll needs them.
    """
    return db.session.scalars(_CURRENT_POLL, {"event_id": event.id}).unique().first()


def drafts_of(event: Event) -> list[Poll]:
    """The event's drafts with their candidates, oldest first: the polls that may open next."""
    return list(db.session.scalars(
        select(Poll).options(joinedload(Poll.candidates))
        .where(Poll.event_id == event.id, Poll.status == PollStatus.DRAFT)
        .order_by(Poll.id)).unique())


def poll_in_hand(event: Event) -> Poll | None:
    """The poll the organiser's remote acts on: the current one, else (before the first vote
    opens) the newest draft, which the remote's "open" opens."""
    return current_poll(event) or db.session.scalars(
        _NEWEST_POLL, {"event_id": event.id}).unique().first()


# --- the ballot's hot path -----------------------------------------------------------------
# In the two minutes of the vote every phone asks for the ballot and sends it: each app
# process reads the event and its current poll once per BALLOT_CACHE_SECONDS, not per request.
# A stale poll cannot count a vote: the vote's conditional UPDATE (voting.py) refuses it
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
                                                   Event.status == EventStatus.PUBLISHED))
        if event is None:
            return None
        return event, session.scalars(_CURRENT_POLL, {"event_id": event.id}).unique().first()


def ballot_of(slug: str, fresh: bool = False) -> tuple[Event, Poll | None]:
    """The published event with this slug and its current poll, for the ballot and the vote.

    The cached objects themselves, detached and fully loaded (their event's network, the
    poll's candidates with their finalists): the ballot and the vote only read them, and
    copying them into the request's session cost more than the rest of reading the ballot.
    Anything a page of the ballot needs must be loaded by `_read_ballot`.
    `fresh`: read now, not from the cache (a vote for a poll that opened a moment ago).
    """
    cached = _read_ballot(slug) if fresh else current_app.extensions["ballot_cache"].get(slug)
    if cached is None:
        raise EventNotFound()
    return cached


# --- organiser actions --------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A candidate of a people-award, as the organiser enters them."""

    name: str
    role: str = ""
    user_id: int | None = None  # their account: their own ballot never shows them


def _check_setup(event: Event, title: str, kind: str, eligibility: str,
                 finalist_ids: list[int] | None, people: list[Person] | None) -> None:
    """The rules of a poll's set-up, before anything is written."""
    if not title.strip():
        raise InvalidInput(_l("Please give the poll a title."))
    if kind not in tuple(PollKind):
        raise InvalidInput(_l("Please choose what the poll is about."))
    if eligibility not in tuple(Eligibility):
        raise InvalidInput(_l("Please choose who may vote."))
    if kind == PollKind.FINALISTS and finalist_ids is not None:
        known = {f.id for f in finalists_of(event)}
        if len(set(finalist_ids)) != len(finalist_ids) or not set(finalist_ids) <= known:
            raise InvalidInput(_l("Please choose finalists of this event."))
        if len(finalist_ids) < 2:
            raise InvalidInput(_l("A vote needs at least two finalists."))
    if kind == PollKind.PEOPLE and len([p for p in people or [] if p.name.strip()]) < 2:
        raise InvalidInput(_l("An award among people needs at least two people."))
    if kind == PollKind.PEOPLE and any(not p.name.strip() for p in people):
        raise InvalidInput(_l("Please give every person a name."))


def create_poll(actor, event: Event, title: str, eligibility: str = Eligibility.REGISTERED,
                cards_may_vote: bool = True, kind: str = PollKind.FINALISTS,
                show_counts: bool = True, finalist_ids: list[int] | None = None,
                people: list[Person] | None = None) -> Poll:
    """A draft poll: among finalists (the chosen ones in this order; None: all of them as
    they are when it opens), among people, or a yes/no/abstain question."""
    _check_setup(event, title, kind, eligibility, finalist_ids, people)
    with write_transaction():
        poll = Poll(event_id=event.id, title=title.strip(), eligibility=eligibility,
                    cards_may_vote=cards_may_vote, kind=kind, show_counts=show_counts)
        db.session.add(poll)
        db.session.flush()
        _set_options(poll, finalist_ids, people)
        record(actor, "poll.created", event.id, poll=poll.id, title=poll.title, kind=kind)
    return poll


def update_poll(actor, poll: Poll, title: str, eligibility: str, cards_may_vote: bool,
                kind: str, show_counts: bool, finalist_ids: list[int] | None = None,
                people: list[Person] | None = None) -> Poll:
    """Change a draft poll's set-up (an open or finished poll stays as it was voted)."""
    if poll.status != PollStatus.DRAFT or poll.is_runoff:
        raise Conflict(_l("Only a draft poll can be changed."))
    _check_setup(poll.event, title, kind, eligibility, finalist_ids, people)
    with write_transaction():
        _move(poll, PollStatus.DRAFT, PollStatus.DRAFT, title=title.strip(),
              eligibility=eligibility, cards_may_vote=cards_may_vote, kind=kind,
              show_counts=show_counts)
        _set_options(poll, finalist_ids, people)
        record(actor, "poll.updated", poll.event_id, poll=poll.id, title=title.strip())
    return poll


def delete_poll(actor, poll: Poll) -> None:
    """Delete a draft poll (nobody has voted in it)."""
    poll_id, event_id = poll.id, poll.event_id
    with write_transaction():
        moved = db.session.execute(
            Poll.__table__.delete().where(Poll.id == poll_id, Poll.status == PollStatus.DRAFT))
        if moved.rowcount != 1:
            raise Conflict(_l("Only a draft poll can be deleted."))
        record(actor, "poll.deleted", event_id, poll=poll_id)
    db.session.expunge(poll)


def people_from_lines(event: Event, text: str) -> list[Person]:
    """The people of a people-award, one a line: "name; role; e-mail of their registration"
    (role and address optional; the address links the person, who then never sees
    themselves on their ballot)."""
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, role, email = ([part.strip() for part in line.split(";")] + ["", ""])[:3]
        if not name or line.count(";") > 2 or len(name) > 200 or len(role) > 200:
            raise InvalidInput(_l("Line %(number)d: please write name; role; e-mail address "
                                  "(role and address may be left out).", number=number))
        user_id = registered_user(event, email).id if email else None
        people.append(Person(name, role, user_id))
    return people


def people_as_lines(poll: Poll) -> str:
    """A people-award's people as the set-up form shows them (the inverse of
    people_from_lines)."""
    emails = dict(db.session.execute(
        select(User.id, User.email).where(User.id.in_(
            [o.user_id for o in poll.candidates if o.user_id]))).all())
    return "\n".join("; ".join([o.name, o.role, emails.get(o.user_id, "")]).rstrip("; ")
                     for o in poll.candidates)


def save_poll(actor, event: Event, poll: Poll | None, title: str, kind: str, eligibility: str,
              cards_may_vote: bool, show_counts: bool, finalist_ids: list[int] | None,
              people_lines: str) -> Poll:
    """Create (poll None) or change a draft poll from the organiser's set-up form; no
    finalist chosen means all of them, as they are when it opens."""
    people = people_from_lines(event, people_lines) if kind == PollKind.PEOPLE else None
    finalist_ids = (finalist_ids or None) if kind == PollKind.FINALISTS else None
    if poll is None:
        return create_poll(actor, event, title, eligibility, cards_may_vote, kind, show_counts,
                           finalist_ids, people)
    return update_poll(actor, poll, title, eligibility, cards_may_vote, kind, show_counts,
                       finalist_ids, people)


def get_poll(event: Event, poll_id: int) -> Poll:
    """One poll of the event, or 404."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound()
    return poll


def get_draft_poll(event: Event, poll_id: int) -> Poll:
    """One poll of the event that can still be changed (a draft, not a run-off); else 404/409."""
    poll = get_poll(event, poll_id)
    if poll.status != PollStatus.DRAFT or poll.is_runoff:
        raise Conflict(_l("Only a draft poll can be changed."))
    return poll


def _set_options(poll: Poll, finalist_ids: list[int] | None,
                 people: list[Person] | None) -> None:
    """Write the poll's options for its kind (a finalists poll without a choice: all of them,
    kept in step with the finalists until it opens)."""
    poll.all_finalists = poll.kind == PollKind.FINALISTS and not finalist_ids
    if poll.all_finalists:
        _follow_finalists(poll)
        return
    if poll.kind == PollKind.QUESTION:
        rows = [{"answer": answer} for answer in tuple(Answer)]
    elif poll.kind == PollKind.PEOPLE:
        # A person who stays on the ballot keeps their photo (found by name).
        photos = {option.name: photo for option, photo in photos_of(poll).items()}
        rows = [{"name": p.name.strip(), "role": p.role.strip(), "user_id": p.user_id,
                 **photos.get(p.name.strip(), {})} for p in people or []]
    else:
        rows = [{"finalist_id": f} for f in finalist_ids or []]
    _write_options(poll, rows)


def _write_options(poll: Poll, rows: list[dict]) -> None:
    db.session.execute(PollOption.__table__.delete().where(PollOption.poll_id == poll.id))
    if rows:
        db.session.execute(insert(PollOption), [
            {"name": "", "role": "", **NO_PHOTO, **row, "poll_id": poll.id,
             "position": position}
            for position, row in enumerate(rows, start=1)])
    db.session.expire(poll, ["candidates"])


def _follow_finalists(poll: Poll) -> None:
    """A poll among all finalists takes them as they are now; options that already match
    stay as they are, so that the ballots waiting phones hold stay valid."""
    finalist_ids = [f.id for f in finalists_of(poll.event)]
    if [option.finalist_id for option in poll.candidates] != finalist_ids:
        _write_options(poll, [{"finalist_id": f} for f in finalist_ids])


@finalists_changed.connect
def _drafts_follow_the_finalists(event_id: int) -> None:
    for poll in db.session.scalars(select(Poll).where(
            Poll.event_id == event_id, Poll.all_finalists, Poll.status == PollStatus.DRAFT)):
        _follow_finalists(poll)


def _eligible_count(poll: Poll) -> int:
    query = select(func.count()).select_from(Registration).where(
        Registration.event_id == poll.event_id, Registration.status == RegistrationStatus.CONFIRMED)
    if poll.eligibility == Eligibility.CHECKED_IN:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif poll.eligibility == Eligibility.PRESENT:
        query = query.where(Registration.checked_in_at.is_not(None)
                            | Registration.present_online)
    return db.session.scalar(query)


def count_newly_eligible(event_id: int, eligibilities: tuple[str, ...]) -> None:
    """Someone arrived (checked in, or present online) while the event's poll for such
    people is open: its turnout's total grows by one (joins the caller's transaction)."""
    counted = db.session.execute(
        update(Poll).where(Poll.event_id == event_id, Poll.status == PollStatus.OPEN,
                           Poll.eligibility.in_(eligibilities))
        .values(eligible_count=Poll.eligible_count + 1)
        .execution_options(synchronize_session=False))
    if counted.rowcount:
        after_commit(partial(turnout_changed.send, event_id))


@place_taken.connect
def _count_registered(event_id: int) -> None:
    # Whoever gets a place during a vote for everyone registered may vote in it too.
    count_newly_eligible(event_id, (Eligibility.REGISTERED,))


def _move(poll: Poll, source: str, target: str, **values) -> None:
    """Change the poll's status if it is still `source` (one conditional UPDATE)."""
    moved = db.session.execute(
        update(Poll).where(Poll.id == poll.id, Poll.status == source)
        .values(status=target, **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_l("The poll has changed in the meantime. Please reload."))
    db.session.expire(poll)


def open_poll(actor, poll: Poll) -> None:
    """Open a draft poll and make it the one on screen; a finalists poll without chosen
    finalists takes all of them as they are now."""
    with write_transaction():
        if poll.all_finalists:
            _follow_finalists(poll)
        if len(poll.candidates) < 2:
            raise InvalidInput(_l("A vote needs at least two finalists.")
                               if poll.kind == PollKind.FINALISTS else
                               _l("A vote needs at least two options."))
        now = utcnow()
        _move(poll, PollStatus.DRAFT, PollStatus.OPEN, opened_at=now, on_screen_at=now,
              eligible_count=_eligible_count(poll))
        record(actor, "poll.opened", poll.event_id, poll=poll.id)


def put_on_screen(poll: Poll) -> None:
    """Make the poll the one the screen, the ballot and the phones follow (joins the caller's
    transaction)."""
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(on_screen_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.expire(poll)


def close_poll(actor, poll: Poll) -> None:
    """Close an open poll; waits for the votes in flight, refuses every later one, and mixes
    all of its ballots into one random order before anything is counted."""
    poll_id, event_id = poll.id, poll.event_id
    with write_transaction():
        _move(poll, PollStatus.OPEN, PollStatus.CLOSED, closed_at=utcnow())
        mix_at_close(poll_id)
        record(actor, "poll.closed", event_id, poll=poll_id)


def start_runoff(actor, poll: Poll) -> Poll:
    """A draft run-off among the options tied at the top of a closed poll; it takes the
    parent's place on the screen."""
    if poll.status != PollStatus.CLOSED:
        raise Conflict(_l("A run-off can follow only a closed vote."))
    if poll.kind == PollKind.QUESTION:  # a tied question is answered by its shares
        raise Conflict(_l("A question has no run-off."))
    tied = tied_at_top(tally(poll))
    if not tied:
        raise Conflict(_l("There is no tie at the top."))
    with write_transaction():
        runoff = Poll(event_id=poll.event_id, parent_id=poll.id,
                      title=str(_l("Run-off: %(title)s", title=poll.title)),
                      eligibility=poll.eligibility, cards_may_vote=poll.cards_may_vote,
                      kind=poll.kind, show_counts=poll.show_counts, on_screen_at=utcnow())
        db.session.add(runoff)
        db.session.flush()
        tied_ids = {s.option_id for s in tied}
        photos = photos_of(poll)
        _write_options(runoff, [
            {"finalist_id": o.finalist_id, "name": o.name, "role": o.role,
             "user_id": o.user_id, "answer": o.answer, **photos.get(o, {})}
            for o in poll.candidates if o.id in tied_ids])
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
    _move(poll, PollStatus.CLOSED, PollStatus.ANNOUNCED)
    db.session.add(snapshot)
    record(actor, "poll.announced", poll.event_id, poll=poll.id,
           winner=[s.organisation for s in standings if s.rank == 1])
    return snapshot


def reveal_results(actor, poll: Poll, show: bool) -> int:
    """Make the poll's announced result public, with those of the polls it settled as their
    run-off (a tie is published with its decision); returns how many polls.

    Another announced poll of the event waits for its own reveal. `show`: whether the big
    screen revealed the winner (else: published without a show).
    """
    with write_transaction():
        settled = [poll]
        while settled[-1].parent_id is not None:
            settled.append(db.session.get(Poll, settled[-1].parent_id))
        announced = [p.id for p in settled if p.status == PollStatus.ANNOUNCED]
        if not announced:
            return 0
        moved = db.session.execute(
            update(Poll).where(Poll.id.in_(announced), Poll.status == PollStatus.ANNOUNCED)
            .values(status=PollStatus.REVEALED).execution_options(synchronize_session=False)).rowcount
        for revealed in settled:
            db.session.expire(revealed)
        if moved:
            record(actor, "poll.revealed", poll.event_id, polls=announced, show=show)
            poll_revealed.send(poll.event_id, polls=announced)
    return moved
