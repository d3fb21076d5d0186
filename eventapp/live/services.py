"""The live show: what the big screen shows, the organiser's remote, the polled state.

Every change of the show is one UPDATE of the event's LiveState row that bumps its
version; screens and phones poll `state_tag` (one small query) and fetch the full state
only when the tag changed.
"""

from functools import partial
from ipaddress import ip_address
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..audit.services import record
from ..awards import polls, results, tally
from ..awards.finalists import get_finalist
from ..awards.models import Eligibility, Finalist, Poll, PollKind, PollStatus
from ..database import after_commit, utcnow, write_transaction
from ..errors import Conflict, NotFound
from ..events.models import AgendaItem, Event, EventStatus
from ..events.services import get_agenda_item
from ..extensions import db
from ..rehearsal import services as rehearsals
from ..rehearsal.models import Rehearsal
from ..wordcloud import services as clouds
from ..wordcloud.models import WordCloud
from . import hooks, push
from .models import LiveState, ScreenMode


class AlreadyAnnounced(Conflict):
    default_message = _l("The award of this event has been announced already.")


class VoteRunning(Conflict):
    default_message = _l("Another vote is open: close it first. The screen shows one vote "
                         "at a time.")


class RehearsalOnScreen(Conflict):
    default_message = _l("A rehearsal is on the screen: end it first.")


class VoteOpen(Conflict):
    default_message = _l("A vote is open: close it before the rehearsal.")


class NothingToReveal(Conflict):
    default_message = _l("Announce the result first.")


class AlreadyPublic(Conflict):
    default_message = _l("The result is public already.")


def state_tag(slug: str) -> str | None:
    """A strong validator of the public state of a published event, or None if unknown.

    One query; it changes with every change of the show, of the turnout (a vote counted,
    someone checked in or present online during the vote) and of the words of the word
    cloud on the screen (a batch of answers mixed, an answer hidden), and when a rehearsal
    starts, opens its question or ends (`r1`, `r2` after the version: a rehearsal leaves the
    version alone).
    """
    row = db.session.execute(
        select(Event.id, LiveState.version, WordCloud.version, Poll.votes_cast,
               Poll.eligible_count, Rehearsal.event_id, Rehearsal.opened_at)
        .outerjoin(LiveState, LiveState.event_id == Event.id)
        .outerjoin(Poll, Poll.id == LiveState.poll_id)
        .outerjoin(WordCloud, WordCloud.id == LiveState.word_cloud_id)
        .outerjoin(Rehearsal, Rehearsal.event_id == Event.id)
        .where(Event.slug == slug, Event.status == EventStatus.PUBLISHED)).first()
    if row is None:
        return None
    event_id, version, words, votes, eligible, rehearsing, opened = row
    rehearsal = "" if rehearsing is None else ("r2" if opened else "r1")
    return f"{event_id}-{version or 0}{rehearsal}-{votes or 0}.{eligible or 0}.{words or 0}"


def show_tag(tag: str) -> str:
    """The tag of what phones follow (`public_show`): the state's tag without the turnout and
    the word cloud's words, so that it stays the same while the votes come in."""
    return tag.rsplit("-", 1)[0]


def public_show(event: Event) -> dict:
    """What a phone on the ballot page follows: the show's mode and the poll's state, so it
    reloads when the vote opens or closes."""
    state = live_state(event)
    poll = polls.current_poll(event)
    return {"mode": state.mode,
            "poll": {"id": poll.id, "status": poll.status} if poll is not None else None,
            **_rehearsal_over(event)}


def _rehearsal_over(event: Event) -> dict:
    """A running rehearsal puts its practice question over the show (the mode says so)."""
    rehearsal = rehearsals.current(event)
    return {} if rehearsal is None else {
        "mode": ScreenMode.REHEARSAL, "rehearsal": {"open": rehearsal.opened_at is not None}}


def live_state(event: Event) -> LiveState:
    """The event's live state (the welcome screen until the organiser changes it)."""
    state = db.session.get(LiveState, event.id)
    return state if state is not None else LiveState(event_id=event.id, mode=ScreenMode.WELCOME,
                                                     version=0, revealed=0)


def public_state(event: Event) -> dict:
    """What screens and phones may know: the show, the turnout, never a running count."""
    state = live_state(event)
    poll = polls.current_poll(event)  # the ballot's, the phones' and the event page's
    data = {"mode": state.mode, "agenda": None, "pitch": None, "poll": None, "results": None,
            "cloud": None}
    if state.mode == ScreenMode.AGENDA and state.agenda_item_id:
        item = db.session.get(AgendaItem, state.agenda_item_id)
        data["agenda"] = {"title": item.title, "speaker": item.speaker,
                          "affiliation": item.affiliation, "room": item.room,
                          "starts_at": item.starts_at.isoformat(),
                          "ends_at": item.ends_at.isoformat()}
    if state.mode == ScreenMode.PITCH and state.finalist_id:
        finalist = db.session.get(Finalist, state.finalist_id)
        data["pitch"] = {**_finalist_data(finalist),
                         "started_at": state.pitch_started_at.isoformat()
                         if state.pitch_started_at else None,
                         "seconds": finalist.pitch_seconds}
    if state.mode == ScreenMode.WORDCLOUD and state.word_cloud_id:
        cloud = db.session.get(WordCloud, state.word_cloud_id)
        data["cloud"] = {"question": cloud.question, "status": cloud.status,
                         "words": clouds.drawn_words(cloud)}
    if poll is not None:
        data["poll"] = {"id": poll.id, "title": poll.title, "status": poll.status,
                        "kind": poll.kind, "votes": poll.votes_cast,
                        "eligible": poll.eligible_count}
        snapshot = results.snapshot_of(poll) \
            if poll.status in (PollStatus.ANNOUNCED, PollStatus.REVEALED) else None
        if state.mode == ScreenMode.RESULTS and snapshot is not None:
            # Only the places the screen has revealed, unless the result is public anyway
            # (published without a show).
            revealed = reveal_steps(snapshot.ranking) if poll.status == PollStatus.REVEALED \
                else state.revealed
            images = _images_of(poll)
            shown = revealed_ranking(snapshot.ranking, revealed)
            if poll.kind == PollKind.QUESTION:  # its answers, not places: see _public_entry
                shown = tally.in_ballot_order(poll, shown)
            data["results"] = {"revealed": revealed, "votes": snapshot.votes_cast,
                               "eligible": snapshot.eligible_count,
                               "show_counts": poll.show_counts,
                               "ranking": [_public_entry(entry, poll, snapshot.votes_cast, images)
                                           for entry in shown]}
    data.update(hooks.parts_of(event, state))
    return {**data, **_rehearsal_over(event)}


def revealed_ranking(ranking: list[dict], revealed: int) -> list[dict]:
    """The places of the ranking the organiser has revealed so far, from the last place up.

    Reveal steps go by distinct rank, so tied finalists appear together.
    """
    ranks = sorted({entry["rank"] for entry in ranking}, reverse=True)
    shown = set(ranks[:revealed])
    return [entry for entry in ranking if entry["rank"] in shown]


def _public_entry(entry: dict, poll: Poll, cast: int, images: dict[int, str]) -> dict:
    """An entry of the result as the screen gets it: its label in the screen's language, its
    picture, its count only if the poll shows counts (a ranking-only result must not leak
    them in JSON). A question's answer has no place but its share of the votes, and whether
    it leads."""
    public = {**entry, "label": results.entry_label(entry), "image": images.get(entry["option_id"])}
    if poll.kind == PollKind.QUESTION:
        public["leading"] = public.pop("rank") == 1
        if poll.show_counts:
            public["share"] = tally.share(entry["votes"], cast)
    if not poll.show_counts:
        public.pop("votes", None)
    return public


def _images_of(poll: Poll) -> dict[int, str]:
    """The picture of each option of the poll that has one: a finalist's logo, a person's
    photo."""
    images = {}
    for option in poll.candidates:
        if option.finalist is not None and option.finalist.has_logo:
            images[option.id] = url_for("awards.logo", finalist_id=option.finalist_id,
                                        v=option.finalist.logo_version)
        elif option.has_photo:
            images[option.id] = url_for("awards.photo", option_id=option.id,
                                        v=option.photo_version)
    return images


def ballot_on_screen(event: Event) -> list[dict]:
    """Who is on the ballot of the vote the screen shows (a finalist: organisation, project,
    logo; a person: name, role, photo), in the ballot's order; none for a question."""
    state = live_state(event)
    if state.mode != ScreenMode.VOTE or not state.poll_id:
        return []
    poll = db.session.get(Poll, state.poll_id)
    if poll is None or poll.kind == PollKind.QUESTION:
        return []
    images = _images_of(poll)
    return [{"name": option.organisation, "detail": option.project_title,
             "image": images.get(option.id), "photo": option.finalist is None}
            for option in poll.candidates]


def poll_to_come(event: Event) -> Poll | None:
    """The poll the welcome screen invites the hall to: the current one, unless it is over."""
    poll = polls.current_poll(event)
    return poll if poll is not None and poll.status in (PollStatus.DRAFT, PollStatus.OPEN) \
        else None


def reveal_steps(ranking: list[dict]) -> int:
    return len({entry["rank"] for entry in ranking})


def _finalist_data(finalist: Finalist) -> dict:
    return {"id": finalist.id, "organisation": finalist.organisation,
            "project_title": finalist.project_title, "presenter": finalist.presenter,
            "logo": url_for("awards.logo", finalist_id=finalist.id, v=finalist.logo_version)
            if finalist.has_logo else None}


# --- the organiser's remote ---------------------------------------------------------------


def _bump(event: Event, **values) -> None:
    """Change the show and its version (screens and phones refetch), in the caller's
    transaction."""
    if db.session.get(LiveState, event.id) is None:
        db.session.add(LiveState(event_id=event.id, mode=ScreenMode.WELCOME, version=1, revealed=0))
        db.session.flush()
    db.session.execute(
        update(LiveState).where(LiveState.event_id == event.id)
        .values(version=LiveState.version + 1, **values)
        .execution_options(synchronize_session=False))
    after_commit(partial(push.changed, event.id))  # to the subscribers, once committed


def _change(actor, event: Event, action: str, **values) -> None:
    """Apply and audit a change of the show, inside the caller's transaction."""
    _bump(event, **values)
    record(actor, f"live.{action}", event.id, **{k: v for k, v in values.items()
                                                  if k != "pitch_started_at"})


def show_welcome(actor, event: Event) -> None:
    """Put the welcome screen (QR code to join) on the big screen."""
    with write_transaction():
        _change(actor, event, "welcome", mode=ScreenMode.WELCOME)


def show_agenda_item(actor, event: Event, item_id: int) -> None:
    """Show an agenda item (the talk on stage now)."""
    item = get_agenda_item(event, item_id)
    with write_transaction():
        _change(actor, event, "agenda", mode=ScreenMode.AGENDA, agenda_item_id=item.id)


def show_word_cloud(actor, event: Event, cloud_id: int) -> None:
    """Show a word cloud: its question and the words of its visible answers."""
    cloud = clouds.get_cloud(event, cloud_id)
    with write_transaction():
        _change(actor, event, "wordcloud", mode=ScreenMode.WORDCLOUD, word_cloud_id=cloud.id)


def show_questions(actor, event: Event, item_id: int | None = None) -> None:
    """Show the audience's questions: those of an agenda item, or of the whole meeting."""
    item = get_agenda_item(event, item_id) if item_id else None
    with write_transaction():
        _change(actor, event, "questions", mode=ScreenMode.QUESTIONS,
                agenda_item_id=item.id if item else None)


def touch(event: Event) -> None:
    """Count the version up without changing the show, in the caller's transaction: what a
    higher feature adds to the state changed (screens and phones fetch it again)."""
    _bump(event)


def start_pitch(actor, event: Event, finalist_id: int) -> None:
    """Show a finalist and start their pitch countdown from the server's clock now."""
    finalist = get_finalist(event, finalist_id)
    with write_transaction():
        _change(actor, event, "pitch", mode=ScreenMode.PITCH, finalist_id=finalist.id,
                pitch_started_at=utcnow())


def _one_click_at_a_time(event: Event) -> None:
    """Hold the event's row until the commit, so that two clicks at once on the control
    (two people opening two polls) run one after the other and the second sees the first's
    poll open. FOR NO KEY UPDATE: rows referring to the event are still inserted meanwhile.
    Taken before any poll row, as registration takes it before a poll's counter (no
    deadlock). SQLite's IMMEDIATE transactions are one at a time already."""
    db.session.execute(select(Event.id).where(Event.id == event.id)
                       .with_for_update(key_share=True))


def _another_vote_open(event: Event, poll: Poll) -> bool:
    # Columns, not objects: a poll loaded earlier in the request keeps its old status.
    return db.session.scalar(select(Poll.id).where(
        Poll.event_id == event.id, Poll.status == PollStatus.OPEN, Poll.id != poll.id)
        .limit(1)) is not None


def open_vote(actor, event: Event, title: str = "", eligibility: str = Eligibility.REGISTERED,
              cards_may_vote: bool = True, poll_id: int | None = None) -> Poll:
    """Open a vote and show it on the screen: the draft poll `poll_id`, else the current
    draft, else (no poll set up) a new one among all finalists. One vote is open at a time:
    a second one opened at the same moment is VoteRunning (409)."""
    with write_transaction():
        _one_click_at_a_time(event)
        if rehearsals.current(event) is not None:
            raise RehearsalOnScreen()
        poll = polls.get_poll(event, poll_id) if poll_id else polls.poll_in_hand(event)
        if poll is None:
            poll = polls.create_poll(actor, event, title, eligibility, cards_may_vote)
        elif poll.status in (PollStatus.ANNOUNCED, PollStatus.REVEALED):
            raise AlreadyAnnounced()
        elif _another_vote_open(event, poll):
            raise VoteRunning()
        polls.open_poll(actor, poll)
        _change(actor, event, "vote", mode=ScreenMode.VOTE, poll_id=poll.id)
    return poll


def _poll_on_screen(event: Event) -> Poll:
    poll = polls.current_poll(event)
    if poll is None:
        raise NotFound()
    return poll


def show_poll(actor, event: Event, poll_id: int) -> Poll:
    """Bring a poll opened earlier back to the screen, to go on with it (announce it, reveal
    it) or show its result again; the remote's buttons act on it from now on."""
    poll = polls.get_poll(event, poll_id)
    if poll.status == PollStatus.DRAFT:
        raise Conflict(_l("This poll has not been opened yet: open it to put it on the screen."))
    with write_transaction():
        _one_click_at_a_time(event)
        if rehearsals.current(event) is not None:
            raise RehearsalOnScreen()
        if _another_vote_open(event, poll):
            raise VoteRunning()  # its voters' phones follow the screen
        polls.put_on_screen(poll)
        if poll.status in (PollStatus.ANNOUNCED, PollStatus.REVEALED):
            # An announced result is revealed from its last place, as if announced now.
            _change(actor, event, "results", mode=ScreenMode.RESULTS, poll_id=poll.id, revealed=0)
        else:
            _change(actor, event, "vote", mode=ScreenMode.VOTE, poll_id=poll.id)
    return poll


def close_vote(actor, event: Event) -> Poll:
    """Close the current vote; the screen shows that voting has ended."""
    poll = _poll_on_screen(event)
    with write_transaction():
        polls.close_poll(actor, poll)
        _change(actor, event, "vote_closed", mode=ScreenMode.VOTE, poll_id=poll.id)
    return poll


def start_runoff(actor, event: Event) -> Poll:
    """Prepare a run-off among the tied finalists (opened like any vote)."""
    poll = _poll_on_screen(event)
    with write_transaction():
        runoff = polls.start_runoff(actor, poll)
        _change(actor, event, "runoff", mode=ScreenMode.VOTE, poll_id=runoff.id)
    return runoff


def announce(actor, event: Event) -> None:
    """Announce the closed vote; the screen switches to the reveal, nothing shown yet.

    The result stays off every public page until the reveal reaches the winner.
    """
    poll = _poll_on_screen(event)
    with write_transaction():
        polls.announce(actor, poll)
        _change(actor, event, "results", mode=ScreenMode.RESULTS, poll_id=poll.id, revealed=0)


def reveal_next(actor, event: Event) -> None:
    """Reveal the next place of the announced result (last place first, the winner last); a
    question's answers all at once.

    Revealing the winner makes the result public everywhere, in the same transaction.
    """
    state = live_state(event)
    poll = db.session.get(Poll, state.poll_id) if state.poll_id else None
    snapshot = results.snapshot_of(poll) if poll is not None else None
    if state.mode != ScreenMode.RESULTS or snapshot is None:
        raise NothingToReveal()
    steps = reveal_steps(snapshot.ranking)
    # A question shows all its answers at once; an award one place after the other.
    revealed = steps if poll.kind == PollKind.QUESTION else min(state.revealed + 1, steps)
    with write_transaction():
        _change(actor, event, "reveal", revealed=revealed)
        if revealed == steps:
            polls.reveal_results(actor, poll, show=True)


def publish_results(actor, event: Event) -> None:
    """Publish the announced result without a show: every public page shows it at once."""
    poll = _poll_on_screen(event)
    if poll.status == PollStatus.REVEALED:
        raise AlreadyPublic()
    if poll.status != PollStatus.ANNOUNCED:
        raise NothingToReveal()
    with write_transaction():
        if not polls.reveal_results(actor, poll, show=False):
            raise AlreadyPublic()  # another organiser was quicker
        _bump(event)  # screens and phones fetch the whole result now


def _rehearsal_changed(actor, event: Event, action: str) -> None:
    """Audit a step of the rehearsal (no figures) and push the state once committed."""
    record(actor, f"live.{action}", event.id)
    after_commit(partial(push.changed, event.id))


def start_rehearsal(actor, event: Event) -> None:
    """Start a dress rehearsal: the screen shows its QR code and the practice question, not
    open yet. Not while a vote is open: the hall would be asked two questions."""
    with write_transaction():
        _one_click_at_a_time(event)
        if db.session.scalar(select(Poll.id).where(
                Poll.event_id == event.id, Poll.status == PollStatus.OPEN).limit(1)) is not None:
            raise VoteOpen()
        rehearsals.start(event)
        _rehearsal_changed(actor, event, "rehearsal")


def open_rehearsal_question(actor, event: Event) -> None:
    """Open the practice question on the screen and the phones."""
    with write_transaction():
        rehearsals.open_question(event)
        _rehearsal_changed(actor, event, "rehearsal_open")


def end_rehearsal(actor, event: Event) -> None:
    """End the rehearsal: its data is deleted, and the screen shows what it showed before."""
    with write_transaction():
        rehearsals.end(event)
        _rehearsal_changed(actor, event, "rehearsal_end")


def is_loopback_url(url: str) -> bool:
    """Whether the address only this computer can open (127.0.0.1, localhost, ::1, 0.0.0.0):
    a QR code of it on the big screen is useless to the phones in the room."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
