"""An online meeting's vote at scale: 900 participants (as many as the 2020 European
conference) open the stage page, see the vote open and vote, through a real gunicorn on
PostgreSQL. Prints how long each part took and the app servers' CPU (bench/README.md)."""

import json
import os
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from sqlalchemy import insert, select, update

from eventapp.auth.models import User
from eventapp.awards.models import Eligibility, Poll
from eventapp.database import utcnow
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.models import Registration

from .servers import AppServer, Browser

PEOPLE = 900
REDIS_URL = "redis://127.0.0.1:6379/12"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]+)<')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


def _cpu_seconds(server: AppServer) -> float:
    """CPU time so far of the server's master and workers."""
    total = 0
    for pid in [server.process.pid, *server.workers()]:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _online_meeting(organiser, create_event) -> tuple[Event, list[int]]:
    """A running online meeting with PEOPLE confirmed participants, made in bulk."""
    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=20),
                         finalists=4, sessions=())
    now = utcnow()
    db.session.execute(insert(User), [
        {"email": f"online{i}@example.org", "name": f"Online {i}", "organisation": "",
         "locale": "en", "role": "participant", "sign_in_token_single_use": False,
         "created_at": now} for i in range(PEOPLE)])
    user_ids = list(db.session.scalars(select(User.id).where(
        User.email.like("online%@example.org")).order_by(User.id)))
    db.session.execute(insert(Registration), [
        {"event_id": event.id, "user_id": uid, "status": "confirmed",
         "attendance_mode": "online", "consent_at": now, "consent_version": "test",
         "public_listing": False, "created_at": now} for uid in user_ids])
    db.session.execute(update(Event).where(Event.id == event.id)
                       .values(registered_count=PEOPLE))
    db.session.commit()
    return event, user_ids


def _timed(server, work, people) -> dict:
    started, cpu = time.monotonic(), _cpu_seconds(server)
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(work, people))
    return {"results": results, "seconds": round(time.monotonic() - started, 1),
            "app_cpu_s": round(_cpu_seconds(server) - cpu, 1)}


def test_900_online_participants_follow_the_stage_and_vote_within_five_minutes(
        app, organiser, create_event):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("an online vote of 900 is a production setup: PostgreSQL (TEST_DATABASE_URL)")
    redis.Redis.from_url(REDIS_URL).flushdb()
    event, user_ids = _online_meeting(organiser, create_event)
    sign = app.session_interface.get_signing_serializer(app)
    cookies = [sign.dumps({"_user_id": str(uid), "_fresh": False, "csrf_token": f"{uid:040x}"})
               for uid in user_ids]
    server = AppServer(app, REDIS_URL, workers=3)
    stage_url = f"{server.base}/events/{event.slug}/stage"
    state_url = f"{server.base}/live/{event.slug}/state"
    vote_url = f"{server.base}/events/{event.slug}/vote"

    def follow_the_stage(cookie):
        phone, signed_in = Browser(), {"Cookie": f"session={cookie}"}
        status, _page, _headers = phone.request(stage_url, headers=signed_in)
        _status, _body, headers = phone.request(state_url, headers=signed_in)
        return status, headers["ETag"]

    def vote_when_open(person):
        """Poll the state as live.js does until the vote is open, then vote."""
        cookie, tag = person
        phone, signed_in = Browser(), {"Cookie": f"session={cookie}"}
        polls = 0
        while True:
            polls += 1
            status, body, headers = phone.request(
                state_url, headers={**signed_in, "If-None-Match": tag})
            if status == 200:
                tag = headers["ETag"]
                if (json.loads(body).get("poll") or {}).get("status") == "open":
                    break
            time.sleep(random.uniform(1.5, 2.5))
        _status, ballot, _headers = phone.request(vote_url, headers=signed_in)
        choices = re.findall(r'name="finalist"[^>]* value="(\d+)"', ballot)
        status, answer, _headers = phone.request(vote_url, {
            "csrf_token": TOKEN.search(ballot).group(1), "finalist": random.choice(choices),
            "confirmed": "1"}, headers=signed_in)
        return status, bool(RECEIPT.search(answer)), polls

    try:
        stage = _timed(server, follow_the_stage, cookies)
        assert {status for status, _tag in stage["results"]} == {200}
        present = db.session.scalar(select(Registration.id).where(
            Registration.event_id == event.id, Registration.present_online.is_(False)))
        assert present is None  # all 900 are present online
        live.open_vote(organiser, event, "Cluster manager of the year", Eligibility.PRESENT)
        votes = _timed(server, vote_when_open,
                       [(cookie, tag) for cookie, (_status, tag) in zip(
                           cookies, stage["results"], strict=True)])
    finally:
        server.stop()

    assert [r for r in votes["results"] if r[:2] != (200, True)] == []
    poll = db.session.scalar(select(Poll).where(Poll.event_id == event.id))
    db.session.refresh(poll)
    assert poll.votes_cast == poll.eligible_count == PEOPLE
    assert votes["seconds"] < 300
    print(f"\n900 online: stage pages {stage['seconds']} s ({stage['app_cpu_s']} s app CPU), "
          f"votes {votes['seconds']} s ({votes['app_cpu_s']} s app CPU), state polls before "
          f"the vote per person: max {max(r[2] for r in votes['results'])}")
