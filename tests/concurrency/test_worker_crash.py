"""A gunicorn worker dies (SIGKILL) in the middle of a vote burst against PostgreSQL.

Every vote that returned a receipt is counted, no ballot exists without a participation,
and the app goes on serving.
"""

import http.client
import os
import re
import signal
import threading
import time
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from eventapp.awards import polls
from eventapp.awards.models import Ballot, Participation, Poll
from eventapp.extensions import db

from .servers import AppServer

TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]+)<')
VOTERS = 120

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


@pytest.fixture
def gunicorn(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the worker crash runs against PostgreSQL (TEST_DATABASE_URL)")
    server = AppServer(app, workers=3)
    yield server
    server.stop()


def _vote(base, slug, cookie, finalist_id):
    """One voter's ballot page and vote; the receipt, or None if anything failed."""
    headers = {"Cookie": f"session={cookie}"}
    try:
        page = urllib.request.urlopen(urllib.request.Request(
            f"{base}/events/{slug}/vote", headers=headers), timeout=20).read().decode()
        token = TOKEN.search(page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "finalist": finalist_id,
                                       "confirmed": "1"}).encode()
        answer = urllib.request.urlopen(urllib.request.Request(
            f"{base}/events/{slug}/vote", data=body, headers=headers), timeout=20).read()
    # A killed worker's answer may end anywhere, even in the middle of its body (IncompleteRead).
    except (OSError, http.client.HTTPException, AttributeError):
        return None
    found = RECEIPT.search(answer.decode())
    return found.group(1) if found else None


def test_votes_survive_a_killed_worker(app, gunicorn, create_event, register, organiser):
    server, base = gunicorn, gunicorn.base
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    users = [register(event, email=f"crash{i}@example.org").user for i in range(VOTERS)]
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    finalist_id, poll_id, slug = poll.candidates[0].id, poll.id, event.slug
    sign = app.session_interface.get_signing_serializer(app)
    cookies = [sign.dumps({"_user_id": str(u.id), "_fresh": False, "csrf_token": f"{u.id:040x}"})
               for u in users]

    receipts: list[str | None] = [None] * VOTERS
    halfway = threading.Event()

    def voter(index):
        if index == VOTERS // 3:
            halfway.set()
        receipts[index] = _vote(base, slug, cookies[index], finalist_id)

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(VOTERS)]
    for i, thread in enumerate(threads):
        thread.start()
        if i % 10 == 9:
            time.sleep(0.05)  # a burst, not a single instant
    halfway.wait(timeout=30)
    killed = server.workers()[0]
    os.kill(killed, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=60)

    handed_out = {r for r in receipts if r}
    db.session.rollback()
    polls.close_poll(organiser, db.session.get(Poll, poll_id))  # mixes every waiting ballot
    stored = set(db.session.scalars(select(Ballot.receipt).where(Ballot.poll_id == poll_id)))
    participations = db.session.scalar(select(func.count()).select_from(Participation)
                                       .where(Participation.poll_id == poll_id))
    assert handed_out, "the burst produced no votes at all"
    assert handed_out <= stored  # every receipt handed out is counted
    assert len(stored) == participations  # no ballot without its participation
    # The master replaced the worker and the app serves on.
    assert killed not in server.workers()
    assert urllib.request.urlopen(base + "/", timeout=10).status == 200
