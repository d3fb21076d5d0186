"""Pushing the live state: each change is published once to Nchan, nginx's pub/sub module,
which holds the screens', stage pages' and phones' EventSource connections (issue 36).

The app publishes by an HTTP POST to nginx's internal publish location,
`LIVE_PUSH_PUBLISH_URL` + `/state/<slug>` (what `GET /live/<slug>/state` answers: screens,
stage pages, the live control) and `/show/<slug>` (what `/live/<slug>/show` answers: the
phones on the ballot page, without the turnout). A message is exactly the JSON of that
answer, tag included, so a page applies a pushed state as a polled one. Subscribers connect
to `/live/<slug>/state/push` and `/live/<slug>/show/push`, which nginx answers itself
(deploy/nginx/eventapp-push.conf); the app serves neither.

Without `LIVE_PUSH_PUBLISH_URL` nothing is published and the pages poll as before (`make
run`). Nothing depends on a push arriving: a lost message costs a page its next poll.

A change of the show (live/services.py) is published once its transaction has committed; a
vote or a newly eligible person changes only the turnout, published at most once a second
per event and process (the last change of a burst always). The publishing runs in a thread
of each app process, so a vote never waits for nginx.
"""

import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request

from flask import Flask, current_app

from ..awards.signals import turnout_changed
from ..events.models import Event
from ..extensions import db

log = logging.getLogger(__name__)

# The turnout of one event goes out at most this often from one process.
TURNOUT_INTERVAL = 1.0
PUBLISH_TIMEOUT = 2.0


def push_enabled(app: Flask | None = None) -> bool:
    """Whether this app publishes (and so its pages subscribe)."""
    return bool((app or current_app).config.get("LIVE_PUSH_PUBLISH_URL"))


def changed(event_id: int) -> None:
    """The show of the event changed (committed): publish its state now."""
    if push_enabled():
        _publisher().enqueue(event_id, turnout_only=False)


@turnout_changed.connect
def _turnout(event_id: int) -> None:
    if push_enabled():
        _publisher().enqueue(event_id, turnout_only=True)


def _publisher() -> "Publisher":
    app = current_app._get_current_object()
    publisher = app.extensions.get("live_push")
    if publisher is None:
        publisher = app.extensions.setdefault("live_push", Publisher(app))
    return publisher


class Publisher:
    """A queue of events to publish and the thread that publishes them, per process."""

    def __init__(self, app: Flask):
        self.app = app
        self.condition = threading.Condition()
        self.due: dict[int, float] = {}  # event id -> when to publish (time.monotonic)
        self.last: dict[int, float] = {}  # event id -> when its turnout last went out
        self.sent: dict[str, str] = {}  # channel -> the tag this process last sent it
        # Events whose show changed: sent to both channels whatever was sent before (another
        # process may have sent a later tag meanwhile, and a rehearsal's end brings back an
        # earlier one).
        self.forced: set[int] = set()
        self.thread: threading.Thread | None = None
        self.pid = None

    def enqueue(self, event_id: int, turnout_only: bool) -> None:
        now = time.monotonic()
        with self.condition:
            when = max(now, self.last.get(event_id, 0.0) + TURNOUT_INTERVAL) \
                if turnout_only else now
            if not turnout_only:
                self.forced.add(event_id)
            planned = self.due.get(event_id)
            if planned is not None and planned <= when:
                return  # it goes out then anyway: every vote of a full hall lands here
            self.due[event_id] = when
            if self.thread is None or self.pid != os.getpid():  # none yet, or forked
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="live-push", daemon=True)
                self.thread.start()
            # Wake the thread only when it must plan anew, not for each vote: a woken thread
            # takes the GIL from the request being served.
            self.condition.notify()

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.due:
                    self.condition.wait()
                event_id, when = min(self.due.items(), key=lambda item: item[1])
                wait = when - time.monotonic()
                if wait > 0:
                    self.condition.wait(wait)
                    continue
                del self.due[event_id]
                self.last[event_id] = time.monotonic()
                forced = event_id in self.forced
                self.forced.discard(event_id)
            try:
                self.publish(event_id, forced)
            except Exception:  # never let the thread die: the pages poll meanwhile
                log.exception("publishing the live state of event %s failed", event_id)

    def publish(self, event_id: int, forced: bool = True) -> None:
        """Send the event's state and show to their channels: both when `forced` (the show
        changed), else (a new turnout) each only if its tag changed since this process last
        sent it."""
        from .services import public_show, public_state, show_tag, state_tag

        with self.app.app_context():
            slug = db.session.scalar(db.select(Event.slug).where(Event.id == event_id))
            # The state's own URL: its language and links are those of a polled answer.
            with self.app.test_request_context(f"/live/{slug}/state"):
                tag = state_tag(slug) if slug else None
                if tag is None:  # not published (any more): nobody may follow it
                    return
                event = db.session.get(Event, event_id)
                messages = {f"state/{slug}": (tag, public_state(event)),
                            f"show/{slug}": (show_tag(tag), public_show(event))}
                bodies = {channel: self.app.json.dumps({"tag": t, **content})
                          for channel, (t, content) in messages.items()
                          if forced or self.sent.get(channel) != t}
        base = self.app.config["LIVE_PUSH_PUBLISH_URL"].rstrip("/")
        for channel, body in bodies.items():
            if _post(f"{base}/{channel}", body):
                self.sent[channel] = json.loads(body)["tag"]


def _post(url: str, body: str) -> bool:
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=PUBLISH_TIMEOUT) as response:
            return response.status in (200, 201, 202)
    except (OSError, urllib.error.URLError) as error:
        log.warning("could not publish the live state to %s: %s", url, error)
        return False
