"""The rehearsal's rules: start, open the practice question, record what phones and screens
measured, sum it up for the live control, and end it, which deletes all of it.

The practice question never touches the polls, ballots or turnout: its answers and
measurements live in `rehearsals` and `rehearsal_devices` only, and only while it runs.
"""

from dataclasses import dataclass, field
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..database import utcnow, write_transaction
from ..errors import Conflict, NotFound
from ..events.models import Event
from ..extensions import db
from .models import Advice, DeviceKind, PracticeAnswer, Rehearsal, RehearsalDevice

# A phone that showed its ballot later than this struggled: it gets a vote card.
BALLOT_WITHIN_MS = 5000
# A vote's round trip, or a phone seeing the question open, later than this struggled too.
VOTE_WITHIN_MS = 5000
SEEN_WITHIN_MS = 5000
# The screen should follow the live control within this.
SCREEN_WITHIN_MS = 3000
# Go when at least this share of the phones had the ballot in time.
GO_SHARE = 0.95
# Made-up ids cost a row each: one rehearsal keeps at most this many.
MAX_DEVICES = 5000
# No measurement above this is believable (a phone left asleep): it counts as this.
MAX_MS = 600_000


class NoRehearsal(NotFound):
    default_message = _l("No rehearsal is running for this event.")


class RehearsalRunning(Conflict):
    default_message = _l("A rehearsal is running already.")


class QuestionOpen(Conflict):
    default_message = _l("The practice question is open already.")


class QuestionNotOpen(Conflict):
    default_message = _l("The practice question is not open yet: please wait a moment.")


class TooManyDevices(Conflict):
    default_message = _l("This rehearsal has as many phones as it can measure.")


def current(event: Event) -> Rehearsal | None:
    """The event's running rehearsal, if any."""
    return db.session.get(Rehearsal, event.id)


def start(event: Event) -> None:
    """Start a rehearsal: the screen shows the practice question, not open yet. In the
    caller's write transaction (the live control's)."""
    with write_transaction():
        if current(event) is not None:
            raise RehearsalRunning()
        db.session.add(Rehearsal(event_id=event.id, started_at=utcnow()))
        db.session.flush()


def open_question(event: Event) -> None:
    """Open the practice question: from now on phones and screens measure how soon they saw
    it."""
    with write_transaction():
        rehearsal = _running(event)
        if rehearsal.opened_at is not None:
            raise QuestionOpen()
        rehearsal.opened_at = utcnow()


def end(event: Event) -> None:
    """End the rehearsal and delete everything it measured and every practice answer."""
    with write_transaction():
        _running(event)
        db.session.execute(delete(RehearsalDevice).where(RehearsalDevice.event_id == event.id))
        db.session.execute(delete(Rehearsal).where(Rehearsal.event_id == event.id))


def _running(event: Event) -> Rehearsal:
    rehearsal = current(event)
    if rehearsal is None:
        raise NoRehearsal()
    return rehearsal


def record(event: Event, token: str, kind: str = DeviceKind.PHONE, ballot_ms: int | None = None,
           vote_ms: int | None = None, seen: bool = False, answer: str | None = None) -> None:
    """Keep what one phone or screen reported under its random id; `seen`: it has just seen
    the practice question open (the delay is taken on the server's clock, once)."""
    try:
        with write_transaction():
            rehearsal = _running(event)
            if answer is not None and rehearsal.opened_at is None:
                raise QuestionNotOpen()
            device = db.session.scalar(select(RehearsalDevice).where(
                RehearsalDevice.event_id == event.id, RehearsalDevice.token == token))
            if device is None:
                if db.session.scalar(select(func.count()).select_from(RehearsalDevice).where(
                        RehearsalDevice.event_id == event.id)) >= MAX_DEVICES:
                    raise TooManyDevices()
                device = RehearsalDevice(event_id=event.id, token=token, kind=kind)
                db.session.add(device)
            if ballot_ms is not None and device.ballot_ms is None:
                device.ballot_ms = min(ballot_ms, MAX_MS)
            if vote_ms is not None:
                device.vote_ms = min(vote_ms, MAX_MS)
            if answer is not None:
                device.answer = answer
            if seen and rehearsal.opened_at is not None and device.seen_ms is None:
                delay = (utcnow() - rehearsal.opened_at).total_seconds() * 1000
                device.seen_ms = min(round(delay), MAX_MS)
    except IntegrityError:  # the same id's first two reports at once
        raise Conflict() from None


@dataclass
class Summary:
    """The rehearsal in figures: what the live control says in words."""

    opened: bool
    phones: int = 0  # phones that showed the ballot
    in_time: int = 0  # ... within BALLOT_WITHIN_MS
    slow_ms: list[int] = field(default_factory=list)  # the others' times, fastest first
    votes: int = 0  # practice votes whose round trip came back
    vote_median_ms: int | None = None
    vote_max_ms: int | None = None
    seen: int = 0  # phones that were waiting and saw the question open
    seen_median_ms: int | None = None
    seen_max_ms: int | None = None
    screens: int = 0  # screens that saw the question open
    screen_ms: int | None = None  # the slowest of them
    poorly: int = 0  # who sees the screen poorly from their seat
    struggled: int = 0  # phones that were slow at any step
    within_s: int = BALLOT_WITHIN_MS // 1000

    @property
    def screen_in_time(self) -> bool:
        return self.screen_ms is not None and self.screen_ms <= SCREEN_WITHIN_MS

    @property
    def go(self) -> bool:
        """Go: enough phones had the ballot in time and every screen followed in time."""
        return self.phones > 0 and self.in_time >= GO_SHARE * self.phones \
            and self.screen_in_time

    @property
    def advice(self) -> list[Advice]:
        """What to do about what the rehearsal found, most urgent first."""
        found = {Advice.VOTE_CARDS: self.struggled > 0,
                 Advice.WIFI: self.in_time < GO_SHARE * self.phones,
                 Advice.BIGGER_QR: self.poorly > 0,
                 Advice.STREAM: not self.screen_in_time}
        return [advice for advice, needed in found.items() if needed]


def summary(event: Event) -> Summary | None:
    """The running rehearsal summed up (None if none runs); the cost grows with the phones,
    but only the live control asks, on its own reload."""
    rehearsal = current(event)
    if rehearsal is None:
        return None
    devices = db.session.scalars(select(RehearsalDevice).where(
        RehearsalDevice.event_id == event.id)).all()
    phones = [d for d in devices if d.kind == DeviceKind.PHONE]
    screens = [d.seen_ms for d in devices if d.kind == DeviceKind.SCREEN and d.seen_ms is not None]
    ballots = [d.ballot_ms for d in phones if d.ballot_ms is not None]
    votes = [d.vote_ms for d in phones if d.vote_ms is not None]
    seen = [d.seen_ms for d in phones if d.seen_ms is not None]
    return Summary(
        opened=rehearsal.opened_at is not None,
        phones=len(ballots), in_time=sum(ms <= BALLOT_WITHIN_MS for ms in ballots),
        slow_ms=sorted(ms for ms in ballots if ms > BALLOT_WITHIN_MS),
        votes=len(votes), vote_median_ms=_median(votes), vote_max_ms=max(votes, default=None),
        seen=len(seen), seen_median_ms=_median(seen), seen_max_ms=max(seen, default=None),
        screens=len(screens), screen_ms=max(screens, default=None),
        poorly=sum(d.answer == PracticeAnswer.POORLY for d in phones),
        struggled=sum(_struggled(d) for d in phones))


def _median(values: list[int]) -> int | None:
    return round(median(values)) if values else None


def _struggled(device: RehearsalDevice) -> bool:
    return (device.ballot_ms or 0) > BALLOT_WITHIN_MS or (device.vote_ms or 0) > VOTE_WITHIN_MS \
        or (device.seen_ms or 0) > SEEN_WITHIN_MS
