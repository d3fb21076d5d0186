"""The hall when the vote opens (issue 36), for bench/run.py: VOTERS phones wait on the ballot
page, the organiser opens a vote, every phone learns it and half of them vote, while all stay
subscribed. Once by push (an EventSource each, on nginx's Nchan, as static/js/live.js does
where the page says push is on) and once by polling (push off: /live/<slug>/show about every
2 s with its tag), so that the two compare in one run.

Per round: how long from the open request's answer until each phone had the open state
(`open_seen`), until it could vote (`ballot_ready`: it has the choices and a valid form
token, both from the page it loaded while waiting, as live.js shows the hidden ballot), the
share of phones that got it, the vote's p99 while the hall follows, and the share of the
servers' CPU (gunicorn, nginx, PostgreSQL) in that time that following costs.
"""

import asyncio
import json
import random
import re
import resource
import time

import aiohttp

SECTION = re.compile(r'<section data-ballot-for="(\d+)" hidden>(.*?)</section>', re.S)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FINALIST = re.compile(r'name="finalist" type="radio" value="(\d+)"')
CONTROL_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def raise_open_files(wanted: int) -> int:
    """Let this process hold `wanted` connections (phones), as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted))
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def prepare_rounds(url: str, secret: str, organiser_email: str, slug: str) -> dict:
    """Two drafts among the finalists on the vote event (the first vote is closed by then),
    and the organiser's session cookie."""
    import os

    from sqlalchemy import select

    from eventapp import create_app
    from eventapp.auth.models import User
    from eventapp.awards import polls
    from eventapp.awards.finalists import finalists_of
    from eventapp.events.models import Event
    from eventapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret,
                      "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        organiser = db.session.scalar(select(User).where(User.email == organiser_email))
        ids = [f.id for f in finalists_of(event)]
        drafts = {name: polls.create_poll(organiser, event, f"Hall {name}",
                                          finalist_ids=ids).id for name in ("push", "polling")}
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps({"_user_id": str(organiser.id), "_fresh": True, "_id": "bench",
                                   "csrf_token": os.urandom(20).hex()})
        db.engine.dispose()
    return {"drafts": drafts, "organiser_cookie": cookie}


class Hall:
    """What each phone saw in one round."""

    def __init__(self, phones: int):
        self.ballots: list = [None] * phones  # (token, option id) from the waiting page
        self.seen: list[float | None] = [None] * phones
        self.subscribed = 0


async def _load_pages(session, args, vote_url, cookies, poll_id, hall, run_all):
    async def load(index):
        try:
            async with session.get(vote_url, headers={
                    "Cookie": f"session={cookies[index]}"}) as response:
                body = await response.text()
        except aiohttp.ClientError:
            return
        sections = dict(SECTION.findall(body))
        token = TOKEN.search(body)
        options = FINALIST.findall(sections.get(str(poll_id), ""))
        if token and options:
            hall.ballots[index] = (token.group(1), options[index % len(options)])

    await run_all((lambda i=i: load(i) for i in range(len(cookies))), args.concurrency)


def _is_open(state: dict, poll_id: int) -> bool:
    poll = state.get("poll") or {}
    return poll.get("id") == poll_id and poll.get("status") == "open"


async def _subscriber(session, push_url, poll_id, hall, index, stop):
    try:
        async with session.get(push_url, headers={"Accept": "text/event-stream"},
                               timeout=aiohttp.ClientTimeout(total=None)) as response:
            if response.status != 200:
                return
            hall.subscribed += 1
            async for line in response.content:
                if (line.startswith(b"data:") and hall.seen[index] is None
                        and _is_open(json.loads(line[5:]), poll_id)):
                    hall.seen[index] = time.perf_counter()
                if stop.is_set():
                    return
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return


async def _poller(session, show_url, poll_id, hall, index, stop, seconds, jitter):
    rng, tag = random.Random(index), None
    await asyncio.sleep(rng.uniform(0, seconds))
    hall.subscribed += 1
    while not stop.is_set():
        try:
            async with session.get(show_url, headers={"If-None-Match": tag} if tag else {}) \
                    as response:
                if response.status == 200:
                    tag = response.headers.get("ETag")
                    if hall.seen[index] is None and _is_open(await response.json(), poll_id):
                        hall.seen[index] = time.perf_counter()
        except (aiohttp.ClientError, ValueError):
            pass
        await asyncio.sleep(seconds * rng.uniform(1 - jitter, 1 + jitter))


async def hall_round(args, prepared, rounds, app_url, push: bool, tools) -> dict:
    """One round: load the waiting pages, follow (push or polling), open, vote half."""
    Phase, run_all, poll_seconds, jitter = tools
    name = "push" if push else "polling"
    poll_id, slug = rounds["drafts"][name], prepared["vote_slug"]
    cookies = prepared["cookies"][:args.voters]
    hall = Hall(len(cookies))
    # The hall waits for the next vote, not in the second after the last one closed: each
    # process keeps the ballot a second (BALLOT_CACHE_SECONDS), and a page it served then
    # still shows the closed vote (live.js loads such a page once more, as a phone would).
    await asyncio.sleep(2)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        await _load_pages(session, args, f"{app_url}/events/{slug}/vote", cookies, poll_id, hall,
                          run_all)
        control = f"{app_url}/organiser/events/{slug}/live"
        organiser = {"Cookie": f"session={rounds['organiser_cookie']}"}
        async with session.get(control, headers=organiser) as response:
            control_token = CONTROL_TOKEN.search(await response.text()).group(1)

    stop = asyncio.Event()
    followers = aiohttp.TCPConnector(limit=0 if push else args.concurrency)
    async with aiohttp.ClientSession(connector=followers,
                                     cookie_jar=aiohttp.DummyCookieJar()) as phones:
        if push:
            tasks = [asyncio.create_task(_subscriber(
                phones, f"{app_url}/live/{slug}/show/push", poll_id, hall, i, stop))
                for i in range(len(cookies))]
            deadline = time.monotonic() + 60
            while hall.subscribed < len(cookies) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        else:
            tasks = [asyncio.create_task(_poller(
                phones, f"{app_url}/live/{slug}/show", poll_id, hall, i, stop, poll_seconds,
                jitter)) for i in range(len(cookies))]
            await asyncio.sleep(poll_seconds * 1.5)  # every phone is polling
        following = hall.subscribed

        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as organiser, \
                organiser.post(f"{control}/open", allow_redirects=False, headers={
                    "Cookie": f"session={rounds['organiser_cookie']}"}, data={
                    "csrf_token": control_token, "poll": str(poll_id),
                    "title": f"Hall {name}"}) as response:
            assert response.status == 303, f"the open failed: {response.status}"
            opened = time.perf_counter()
        deadline = time.monotonic() + 30  # every phone has it, or 30 s
        while any(seen is None for seen in hall.seen) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

        votes = Phase(f"hall_{name}_votes")
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector,
                                         cookie_jar=aiohttp.DummyCookieJar()) as session:
            async def vote(index):
                if hall.ballots[index] is None:
                    votes.errors += 1
                    return
                token, option = hall.ballots[index]
                started = time.perf_counter()
                try:
                    async with session.post(
                            f"{app_url}/events/{slug}/vote", allow_redirects=False,
                            headers={"Cookie": f"session={cookies[index]}"},
                            data={"csrf_token": token, "finalist": option,
                                  "confirmed": "y"}) as response:
                        await response.read()
                        votes.record(response.status, started, response.status == 200)
                except aiohttp.ClientError:
                    votes.record(0, started, False)

            with votes:
                await run_all((lambda i=i: vote(i) for i in range(0, len(cookies), 2)),
                              args.concurrency)
            async with session.post(f"{control}/close", allow_redirects=False, headers={
                    "Cookie": f"session={rounds['organiser_cookie']}"},
                    data={"csrf_token": control_token}) as response:
                assert response.status == 303, f"the close failed: {response.status}"
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    delays = sorted(max(0.0, seen - opened) * 1000 for seen in hall.seen if seen is not None)
    ready = sorted(max(0.0, seen - opened) * 1000
                   for seen, ballot in zip(hall.seen, hall.ballots, strict=True)
                   if seen is not None and ballot is not None)

    def pct(values, p):
        return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else None

    missing = sum(1 for ballot in hall.ballots if ballot is None)
    return {"phones": following, "open_seen_p50_ms": pct(delays, 0.5),
            "open_seen_p99_ms": pct(delays, 0.99),
            "updates_delivered_ratio": round(len(delays) / len(cookies), 4),
            # A phone without the ballot on its page would load it now: not ready in time.
            "ballot_ready_p99_ms": pct(ready, 0.99) if not missing else None,
            "pages_without_ballot": missing, "votes": votes.summary()}
