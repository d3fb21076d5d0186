"""`make bench`: the hardest minute of the product, measured against its limits.

Starts gunicorn (the README's production command) for eventapp and for the yardstick app
in bench/floor_app.py on the same database, prepares an event with VOTERS signed-in
participants (bulk, untimed), then measures one phase after the other with the same
asyncio load generator, concurrency and connection reuse:

  baseline  GET / of the bare Flask app
  floor     POST /vote of the bare app: participation + ballot in one transaction
  live      GET /live/<slug>/state with a matching If-None-Match (the 304 path)
  vote      every voter loads the ballot page; the first half submits with its CSRF token
            and gets the receipt; 10 % try a second time (must get 409)
  hall      the second half votes while VOTERS phones on the ballot page poll what they
            follow (GET /live/<slug>/show) as live.js does (about every 2 s with jitter,
            If-None-Match, back-off on errors): vote p99 under that load and the share of
            the servers' CPU the polling takes
  rounds    (bench/hall_push.py) VOTERS phones wait on the ballot page, the organiser
            opens a vote, half vote while all follow: once by push (an EventSource each on
            nginx's Nchan), once by polling, in front of nginx whatever SERVERS says
  burst     2,000 registration forms for an event whose breakouts have fewer seats than
            takers (double opt-in: each stores a request and queues its mail; places are
            taken when a link is opened, which tests/concurrency races)

and finally closes the vote (which mixes the ballots still waiting in the inbox, timed) and
checks the database: ballots == participations == accepted votes, no seat over capacity.
Results go to bench/results/latest.json and a table on stdout.

SERVERS=2 (`make bench SERVERS=2`) starts that many eventapp servers, each with the
README's command, behind Debian's nginx configured by deploy/nginx/ (the production proxy
settings), and sends every eventapp request through nginx.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # deploy/ (the nginx configuration), as the tests find it
import hall_push  # noqa: E402  (bench/, the script's own folder)

from deploy.nginx import local as local_nginx  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# BENCH_POSTGRES_URL: a database of its own where several people share a machine.
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/eventapp_bench")
# The README's production setup keeps rate limits in Redis, shared by the workers.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECRET = "bench-secret-key"
USER_AGENT = "eventapp-bench"
CSRF = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
FINALIST = re.compile(r'name="finalist"[^>]* value="(\d+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]+)<')
POLL_SECONDS, POLL_JITTER, POLL_BACKOFF_MAX = 2.0, 0.25, 30.0  # as static/js/live.js
# Ports: nginx on BASE, the floor app on BASE + 2, eventapp on BASE + 1 + 2n, Nchan's publish
# location on BASE + 9 (BENCH_PORT where several people share a machine).
BASE_PORT = int(os.environ.get("BENCH_PORT", "8100"))
# The floor's votes and the votes alone run in turns, SLICES of each: the speed of these shared
# virtual machines drifts by up to a third within a run, and a drift then weighs on both alike.
SLICES = 4


def gunicorn_workers() -> int:
    """The README's rule: two workers per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


# --- preparation (untimed) ----------------------------------------------------------------


def reset_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if url.startswith("sqlite"):
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, voters: int, seats_per_session: int) -> dict:
    """Build the events, voters and poll in bulk; sign the voters' session cookies."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update

    from eventapp import create_app
    from eventapp.auth.models import User
    from eventapp.auth.services import create_organiser
    from eventapp.awards import finalists as awards
    from eventapp.awards import polls
    from eventapp.breakouts import services as breakouts
    from eventapp.events import services as events
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from eventapp.live import services as live
    from eventapp.registration.models import Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        upgrade()
        organiser = create_organiser("bench-orga@example.org", "bench-organiser-pw", "Bench")
        start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)

        def new_event(slug, finalists=3):
            event = events.create_event(
                organiser, slug=slug, title=f"Bench {slug}", motto="", description="",
                starts_at=start, ends_at=start + timedelta(hours=8), format="online",
                venue="", online_link="", registration_opens_at=None,
                registration_closes_at=None, capacity=None)
            for order in range(1, finalists + 1):
                awards.add_finalist(organiser, event, organisation=f"Finalist {order}",
                                    project_title=f"Project {order}", summary="", presenter="",
                                    pitch_order=order, pitch_seconds=180)
            events.set_event_status(organiser, event, "published")
            return event

        vote_event, floor_event, burst_event = (new_event(s) for s in ("vote", "floor", "burst"))
        now = datetime.now(UTC)
        db.session.execute(insert(User), [
            {"email": f"voter{i}@bench.example", "name": f"Voter {i}", "organisation": "",
             "locale": "de", "role": "participant", "sign_in_token_single_use": False,
             "created_at": now} for i in range(voters)])
        user_ids = list(db.session.scalars(
            select(User.id).where(User.email.like("voter%@bench.example")).order_by(User.id)))
        db.session.execute(insert(Registration), [
            {"event_id": vote_event.id, "user_id": uid, "status": "confirmed",
             "attendance_mode": "online", "consent_at": now, "consent_version": "bench",
             "public_listing": False, "created_at": now} for uid in user_ids])
        db.session.execute(update(Event).where(Event.id == vote_event.id)
                           .values(registered_count=voters))
        db.session.commit()
        poll = live.open_vote(organiser, vote_event, "Bench vote")
        floor_poll = polls.create_poll(organiser, floor_event, "Floor")
        polls.open_poll(organiser, floor_poll)

        slot = events.add_agenda_item(organiser, burst_event, starts_at=start,
                                      ends_at=start + timedelta(hours=1), kind="breakouts",
                                      title="Breakouts", speaker="", affiliation="")
        sessions = [breakouts.add_session(organiser, slot, title=f"Session {n}", description="",
                                          host="", capacity=seats_per_session).id
                    for n in range(3)]

        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": str(uid), "_fresh": False, "_id": "bench",
                                     "csrf_token": os.urandom(20).hex()})
                   for uid in user_ids]
        return {"vote_slug": vote_event.slug, "poll_id": poll.id, "floor_poll": floor_poll.id,
                "floor_finalist": floor_poll.candidates[0].id, "user_ids": user_ids,
                "cookies": cookies, "burst_slug": burst_event.slug, "slot_id": slot.id,
                "sessions": sessions}


def close_vote(url: str, prepared: dict) -> float:
    """Close the poll as the organiser does (mixing every waiting ballot); its seconds."""
    from eventapp import create_app
    from eventapp.awards import polls
    from eventapp.awards.models import Poll
    from eventapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        started = time.perf_counter()
        polls.close_poll(None, db.session.get(Poll, prepared["poll_id"]))
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return round(elapsed, 3)


def check_database(url: str, prepared: dict) -> dict:
    """What the database says after the run: counted votes and seats."""
    from sqlalchemy import create_engine, func, select, text

    from eventapp.awards.models import Ballot, Participation, Poll
    from eventapp.breakouts.models import BreakoutChoice, BreakoutSession

    engine = create_engine(url)
    poll_id = prepared["poll_id"]
    with engine.connect() as connection:
        count = lambda query: connection.scalar(query)  # noqa: E731
        seated = dict(connection.execute(
            select(BreakoutChoice.session_id, func.count()).where(
                BreakoutChoice.status == "seated").group_by(BreakoutChoice.session_id)).all())
        sessions = connection.execute(select(BreakoutSession.id, BreakoutSession.capacity,
                                             BreakoutSession.seats_taken)).all()
        result = {
            "ballots": count(select(func.count()).select_from(Ballot)
                             .where(Ballot.poll_id == poll_id)),
            "participations": count(select(func.count()).select_from(Participation)
                                    .where(Participation.poll_id == poll_id)),
            "votes_cast_counter": count(select(Poll.votes_cast).where(Poll.id == poll_id)),
            "overbooked_seats": sum(max(0, seated.get(sid, 0) - capacity,
                                        taken - capacity) for sid, capacity, taken in sessions),
            "seats_taken": sum(taken for _sid, _capacity, taken in sessions),
        }
        if engine.dialect.name == "postgresql":
            result["database"] = "PostgreSQL " + connection.scalar(text("SHOW server_version"))
        else:
            result["database"] = "SQLite " + connection.scalar(text("select sqlite_version()"))
    engine.dispose()
    return result


# --- servers ------------------------------------------------------------------------------


def server_env(url: str, workdir: Path, proxies: int = 1) -> dict:
    """The environment of the app servers: production settings on this database and Redis."""
    return {**os.environ, "EVENTAPP_ENV": "production", "EVENTAPP_SECRET_KEY": SECRET,
            "EVENTAPP_DATABASE_URL": url, "REDIS_URL": REDIS_URL, "EVENTAPP_FORCE_HTTPS": "0",
            "EVENTAPP_PROXY_COUNT": str(proxies),
            "EVENTAPP_MAIL_OUTBOX_DIR": str(workdir / "outbox"), "PYTHONPATH": str(ROOT / "bench")}


def start_gunicorn(module: str, port: int, env: dict,
                   workers: int | None = None) -> subprocess.Popen:
    workers = workers or gunicorn_workers()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", module]
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


# --- the load generator -------------------------------------------------------------------


def server_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every gunicorn and nginx ("app") and PostgreSQL ("database")
    process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        group = ("app" if b"gunicorn" in command or command.startswith(b"nginx") else
                 "database" if command.startswith(b"postgres") else None)
        if group:
            found[int(entry.name)] = (group, (int(stat[11]) + int(stat[12])) / CLOCK_TICKS)
    return found


class Phase:
    """Requests, errors, latencies, wall time and CPU of a phase: the load generator's own,
    the app's (gunicorn) and the database's; over one `with` block or the sum of several."""

    def __init__(self, name: str):
        self.name, self.latencies, self.errors, self.statuses = name, [], 0, {}
        self.server_cpu = {"app": 0.0, "database": 0.0}
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self.before = server_cpu()
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self.started
        self.cpu += time.process_time() - self.cpu_started
        for pid, (group, seconds) in server_cpu().items():
            started = self.before.get(pid)
            self.server_cpu[group] += seconds - (started[1] if started else 0.0)

    def record(self, status: int, started: float, ok: bool) -> None:
        self.latencies.append(time.perf_counter() - started)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.errors += not ok

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    def summary(self) -> dict:
        return {"requests": len(self.latencies), "errors": self.errors,
                "wall_s": round(self.wall, 3), "rps": round(self.rps, 1),
                "p50_ms": round(self.percentile(0.5), 1), "p99_ms": round(self.percentile(0.99), 1),
                "loadgen_cpu_pct": round(100 * self.cpu / self.wall, 1) if self.wall else 0.0,
                **{f"{group}_cpu_ms_per_request": round(1000 * seconds / len(self.latencies), 2)
                   if self.latencies else 0.0 for group, seconds in self.server_cpu.items()},
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())}}


async def run_all(jobs, concurrency: int) -> None:
    """Run coroutine factories with at most `concurrency` in flight."""
    queue = iter(jobs)

    async def worker():
        for job in queue:
            await job()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def request(session, phase, method, url, expect, **kwargs):
    started = time.perf_counter()
    try:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            body = await response.text()
            phase.record(response.status, started, response.status in expect)
            return response, body
    except aiohttp.ClientError:
        phase.record(0, started, False)
        return None, ""


async def measure(args, prepared: dict, app_url: str, floor_url: str) -> dict:
    connector = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
    headers = {"User-Agent": USER_AGENT}
    results = {}
    async with aiohttp.ClientSession(connector=connector, headers=headers,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        requests = max(2000, args.voters)

        with Phase("baseline") as phase:
            await run_all((lambda: request(session, phase, "GET", f"{floor_url}/", {200})
                           for _ in range(requests)), args.concurrency)
        results["baseline"] = phase.summary()

        users, floor = prepared["user_ids"], Phase("floor")

        async def floor_votes(part: int) -> None:
            with floor:
                await run_all((lambda u=u: request(
                    session, floor, "POST", f"{floor_url}/vote", {200},
                    data={"poll": prepared["floor_poll"], "user": u,
                          "finalist": prepared["floor_finalist"]}) for u in slice_of(users, part)),
                    args.concurrency)

        state_url = f"{app_url}/live/{prepared['vote_slug']}/state"
        async with session.get(state_url) as response:
            tag = response.headers["ETag"]
        with Phase("live") as phase:
            await run_all((lambda: request(session, phase, "GET", state_url, {304},
                                           headers={"If-None-Match": tag})
                           for _ in range(requests)), args.concurrency)
        results["live_304"] = phase.summary()

        results.update(await vote_phases(session, args, prepared, app_url, floor_votes))
        results["floor"] = floor.summary()
        results["burst"] = await registration_burst(session, args, prepared, app_url)
    return results


def slice_of(items, part: int):
    """The part-th of SLICES equal slices of `items`."""
    return items[len(items) * part // SLICES:len(items) * (part + 1) // SLICES]


async def vote_phases(session, args, prepared, app_url, floor_votes) -> dict:
    """Load every ballot page; the first half votes alone, in turns with the floor's votes
    (`floor_votes(part)`), 10 % of them try again; then the second half votes while the whole
    hall polls the live state."""
    vote_url = f"{app_url}/events/{prepared['vote_slug']}/vote"
    cookies = prepared["cookies"]
    ballots: list = [None] * len(cookies)
    receipts: list[str] = []

    async def load(index, phase):
        _response, body = await request(session, phase, "GET", vote_url, {200},
                                        headers={"Cookie": f"session={cookies[index]}"})
        token, finalists = CSRF.search(body), FINALIST.findall(body)
        if token and finalists:
            ballots[index] = (token.group(1), finalists[index % len(finalists)])

    async def submit(index, phase, expect):
        if ballots[index] is None:
            phase.errors += 1  # the page did not offer a ballot
            return
        token, finalist = ballots[index]
        _response, body = await request(
            session, phase, "POST", vote_url, expect,
            headers={"Cookie": f"session={cookies[index]}"},
            data={"csrf_token": token, "finalist": finalist, "confirmed": "1"})
        found = RECEIPT.search(body)
        if found:
            receipts.append(found.group(1))

    voters = range(len(cookies))
    first_half, second_half = voters[:len(voters) // 2], voters[len(voters) // 2:]
    started = time.perf_counter()
    with Phase("vote_page") as page:
        await run_all((lambda i=i: load(i, page) for i in voters), args.concurrency)
    post = Phase("vote_post")
    for part in range(SLICES):
        await floor_votes(part)
        with post:
            await run_all((lambda i=i: submit(i, post, {200}) for i in slice_of(first_half, part)),
                          args.concurrency)
    with Phase("vote_again") as again:
        await run_all((lambda i=i: submit(i, again, {409}) for i in first_half if i % 10 == 0),
                      args.concurrency)
    hall = await hall_phase(args, prepared, app_url,
                            lambda phase: run_all((lambda i=i: submit(i, phase, {200})
                                                   for i in second_half), args.concurrency))
    return {"vote_page": page.summary(), "vote_post": post.summary(),
            "vote_again": again.summary(), **hall, "votes_accepted": len(receipts),
            "receipts_unique": len(set(receipts)) == len(receipts),
            "vote_wall_s": round(time.perf_counter() - started, 3)}


async def hall_phase(args, prepared, app_url, votes) -> dict:
    """`votes(phase)` runs while every phone of the hall polls like live.js on the ballot
    page: the show (the state without the turnout), about every 2 s with jitter, sending the
    tag it has, backing off after an error.

    The phones have connections of their own (as real phones do), at most `concurrency`
    requests in flight, so a slow answer delays that phone's next poll as it would.
    """
    show_url = f"{app_url}/live/{prepared['vote_slug']}/show"
    voting = asyncio.Event()
    polls = Phase("hall_polling")
    counted = [Phase("warm-up")]  # the polls before the votes start are not counted
    connector = aiohttp.TCPConnector(limit=args.concurrency)

    async def phone(session, index):
        rng = random.Random(index)
        tag, pause = None, POLL_SECONDS
        await asyncio.sleep(rng.uniform(0, POLL_SECONDS))  # phones do not poll in step
        while not voting.is_set():
            headers = {"If-None-Match": tag} if tag else {}
            response, _body = await request(session, counted[0], "GET", show_url, {200, 304},
                                            headers=headers)
            if response is not None and response.status in (200, 304):
                tag, pause = response.headers.get("ETag", tag), POLL_SECONDS
            else:
                pause = min(pause * 2, POLL_BACKOFF_MAX)
            await asyncio.sleep(pause * rng.uniform(1 - POLL_JITTER, 1 + POLL_JITTER))

    async with aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT},
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        phones = [asyncio.create_task(phone(session, i)) for i in range(args.voters)]
        await asyncio.sleep(POLL_SECONDS)  # the whole hall is polling before the votes come
        with Phase("hall_votes") as hall, polls:
            counted[0] = polls
            await votes(hall)
        voting.set()
        await asyncio.gather(*phones)
    return {"hall_votes": hall.summary(), "hall_polling": polls.summary()}


async def registration_burst(session, args, prepared, app_url) -> dict:
    """Registration forms from distinct addresses (behind one proxy) for too few breakout
    seats; each waits for its mailed link, so no seat is taken here."""
    url = f"{app_url}/events/{prepared['burst_slug']}/register"
    field = f"slot_{prepared['slot_id']}"

    async def register(index, phase):
        address = {"X-Forwarded-For": f"10.{index // 65536}.{index // 256 % 256}.{index % 256}"}
        response, body = await request(session, phase, "GET", url, {200}, headers=address)
        token = CSRF.search(body)
        if response is None or token is None:
            phase.errors += 1
            return
        cookie = response.cookies.get("session")
        await request(session, phase, "POST", url, {302}, data={
            "csrf_token": token.group(1), "name": f"Person {index}",
            "email": f"burst{index}@bench.example", "organisation": "", "consent": "y",
            field: str(prepared["sessions"][index % len(prepared["sessions"])])},
            headers={**address, "Cookie": f"session={cookie.value}" if cookie else ""})

    with Phase("burst") as phase:
        await run_all((lambda i=i: register(i, phase) for i in range(args.registrations)),
                      args.concurrency)
    return phase.summary()


# --- report -------------------------------------------------------------------------------


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True)
    # Uncommitted code makes the figures "-dirty"; earlier results being replaced do not.
    dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench/results"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return result.stdout.strip() + ("-dirty" if dirty else "")


def _cpu_split(phase: dict) -> str:
    return f"{phase['app_cpu_ms_per_request']} / {phase['database_cpu_ms_per_request']}"


def _polling_share(hall: dict, polling: dict, votes_alone: dict) -> float:
    """The share of the servers' CPU (app and database) in the hall phase that is not the
    votes', reckoning each vote at its CPU in the phase without polling."""
    def per_request(phase):
        return phase["app_cpu_ms_per_request"] + phase["database_cpu_ms_per_request"]

    total = per_request(hall) * hall["requests"]  # the phases share one clock and one CPU
    votes = per_request(votes_alone) * hall["requests"]
    return round(max(0.0, 1 - votes / total), 2) if total else 0.0


def report(args, measured: dict, checked: dict) -> dict:
    post, floor, page = measured["vote_post"], measured["floor"], measured["vote_page"]
    hall, polling = measured["hall_votes"], measured["hall_polling"]
    errors = sum(measured[k]["errors"]
                 for k in ("vote_page", "vote_post", "vote_again", "hall_votes", "hall_polling"))
    summary = {
        "voters": args.voters,
        "votes_accepted": measured["votes_accepted"],
        "duplicate_attempts_rejected": measured["vote_again"]["statuses"].get("409", 0),
        "errors": errors,
        "wall_s": measured["vote_wall_s"],
        "votes_per_s": round(measured["votes_accepted"] / measured["vote_wall_s"], 1),
        "p50_ms": post["p50_ms"],
        "p99_ms": post["p99_ms"],
        "baseline_rps": measured["baseline"]["rps"],
        "floor_rps": floor["rps"],
        "vote_post_rps": post["rps"],
        "live_304_rps": measured["live_304"]["rps"],
        "ballot_page_rps": page["rps"],
        "ratio_ballot_vs_baseline": round(page["rps"] / measured["baseline"]["rps"], 2),
        "vote_p99_under_polling_ms": hall["p99_ms"],
        "hall_votes_rps": hall["rps"],
        "hall_polling_rps": polling["rps"],
        "hall_polling_target_rps": round(args.voters / POLL_SECONDS, 1),
        "hall_polling_cpu_share": _polling_share(hall, polling, post),
        "floor_cpu_ms_app_db": _cpu_split(floor),
        "vote_post_cpu_ms_app_db": _cpu_split(post),
        "ratio_vote_vs_floor": round(post["rps"] / floor["rps"], 2) if floor["rps"] else 0,
        "ratio_live_vs_baseline": round(measured["live_304"]["rps"]
                                        / measured["baseline"]["rps"], 2),
        "registrations": args.registrations,
        "registration_errors": measured["burst"]["errors"],
        "registration_rps": measured["burst"]["rps"],
        "overbooked_seats": checked["overbooked_seats"],
        "close_s": measured["close_s"],
        "votes_counted_match": (checked["ballots"] == checked["participations"]
                                == checked["votes_cast_counter"]
                                == measured["votes_accepted"]),
        "loadgen_cpu_pct_max": max(p["loadgen_cpu_pct"] for p in measured.values()
                                   if isinstance(p, dict) and "loadgen_cpu_pct" in p),
        "database": checked["database"],
        "git_commit": git_commit(),
        "gunicorn_workers": gunicorn_workers(),
        "servers": args.servers,
        "concurrency": args.concurrency,
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    summary.update(_round_summary(measured, post))
    return {"summary": summary, "phases": measured, "database_check": checked}


def _round_summary(measured: dict, votes_alone: dict) -> dict:
    """The rounds' figures (issue 36): by push, and the same by polling with `_polling`."""
    found = {}
    for key, suffix in (("round_push", ""), ("round_polling", "_polling")):
        hall = measured.get(key)
        if not hall:
            continue
        found.update({
            f"hall_phones{suffix}": hall["phones"],
            f"hall_open_seen_p50_ms{suffix}": hall["open_seen_p50_ms"],
            f"hall_open_seen_p99_ms{suffix}": hall["open_seen_p99_ms"],
            f"hall_updates_delivered_ratio{suffix}": hall["updates_delivered_ratio"],
            f"hall_ballot_ready_p99_ms{suffix}": hall["ballot_ready_p99_ms"],
            f"vote_p99_in_hall_ms{suffix}": hall["votes"]["p99_ms"],
            f"hall_live_cpu_share{suffix}": _polling_share(hall["votes"], {}, votes_alone),
        })
    return found


def print_table(summary: dict) -> None:
    width = max(len(key) for key in summary)
    print()
    for key, value in summary.items():
        print(f"  {key:<{width}}  {value}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=int(os.environ.get("VOTERS", 10_000)))
    parser.add_argument("--registrations", type=int,
                        default=int(os.environ.get("REGISTRATIONS", 2000)))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("CONCURRENCY", 50)))
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "postgresql"),
                        help="postgresql (default), sqlite, or a database URL")
    parser.add_argument("--servers", type=int, default=int(os.environ.get("SERVERS", 1)),
                        help="eventapp app servers; more than one run behind nginx")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("HALL_ROUNDS", 1)),
                        help="1: the hall's rounds when the vote opens, by push and by polling")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    url = {"postgresql": POSTGRES_URL,
           "sqlite": f"sqlite:///{workdir / 'bench.sqlite'}"}.get(args.database, args.database)

    reset_database(url)
    redis.Redis.from_url(REDIS_URL).flushdb()  # no rate-limit counters from an earlier run
    seats = max(1, args.registrations // 4)  # three sessions of a quarter each: too few seats
    prepared = prepare(url, args.voters, seats)
    # With nginx in front, nginx adds the address it sees (127.0.0.1) to X-Forwarded-For; the
    # app then trusts one more hop, as behind a load balancer, so that the registration burst
    # still comes from many addresses.
    env = server_env(url, workdir, proxies=1 if args.servers == 1 else 2)
    publish_port = BASE_PORT + 9
    env["EVENTAPP_LIVE_PUSH_PUBLISH_URL"] = f"http://127.0.0.1:{publish_port}/pub"
    app_ports = [BASE_PORT + 1 + 2 * n for n in range(args.servers)]
    floor_port = BASE_PORT + 2
    servers = [start_gunicorn("floor_app:app", floor_port, env),
               *(start_gunicorn("wsgi:app", port, env) for port in app_ports)]
    app_url = f"http://127.0.0.1:{app_ports[0]}"
    proxy_url = f"http://127.0.0.1:{BASE_PORT}"
    try:
        for port in [floor_port, *app_ports]:
            asyncio.run(wait_until_up(f"http://127.0.0.1:{port}/"))
        # nginx with Nchan in front (for the rounds; for everything with SERVERS > 1).
        hall_push.raise_open_files(4 * args.voters + 1000)
        servers.append(local_nginx.start_nginx(
            workdir / "nginx", BASE_PORT, app_ports, publish_port=publish_port,
            push_conn_limit=args.voters + 100, worker_connections=3 * args.voters + 1000))
        if args.servers > 1:
            app_url = proxy_url
        measured = asyncio.run(measure(args, prepared, app_url, f"http://127.0.0.1:{floor_port}"))
        measured["close_s"] = close_vote(url, prepared)
        checked = check_database(url, prepared)
        if args.rounds:
            rounds = hall_push.prepare_rounds(url, SECRET, "bench-orga@example.org",
                                              prepared["vote_slug"])
            tools = (Phase, run_all, POLL_SECONDS, POLL_JITTER)
            for push in (True, False):
                measured["round_push" if push else "round_polling"] = asyncio.run(
                    hall_push.hall_round(args, prepared, rounds, proxy_url, push, tools))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    result = report(args, measured, checked)
    RESULTS.mkdir(exist_ok=True)
    name = "latest.json" if args.database == "postgresql" else f"latest-{args.database}.json"
    if args.servers > 1:
        name = name.replace("latest", f"latest-{args.servers}-servers")
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    print_table(result["summary"])
    ok = result["summary"]["votes_counted_match"] and not result["summary"]["overbooked_seats"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
