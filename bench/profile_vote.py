"""Where a vote's CPU goes: the ballot page and the vote, in process, under cProfile.

    .venv/bin/python bench/profile_vote.py [--voters 1500] [--top 40]
    .venv/bin/python bench/profile_vote.py --parts [--voters 1500]

Prepares the benchmark's event and voters (bench/run.py) on PostgreSQL (database
eventapp_profile), builds the app with the production settings of `make bench`, and sends
every voter's ballot page and vote through the WSGI app. Only the app's own work is
profiled (the test client's is not); the output is the CPU per request and the functions
that take it, by own time and by cumulative time.

cProfile's cost per call inflates code of many small calls (templates, Babel) several times
over; `--parts` instead splits the vote's real CPU, without a profiler, into parts that add
up to the whole (each part's own process time), and does the same for the floor's
`POST /vote` (bench/floor_app.py): the account, function by function, of what the vote costs
beyond the floor.
"""

import argparse
import collections
import cProfile
import functools
import importlib
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402

PROFILE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/eventapp_profile"


def profiled(wsgi_app, profile: cProfile.Profile):
    def middleware(environ, start_response):
        profile.enable()
        try:
            return list(wsgi_app(environ, start_response))
        finally:
            profile.disable()
    return middleware


# --parts: (module, attribute, label) of the parts a request's CPU is split into. Each part's
# time is its own: while a part runs inside another (a statement inside the rules), the outer
# one's clock stops. What no part claims is Flask's and the extensions' request handling.
DATABASE_PARTS = [
    ("sqlalchemy.pool.base", "Pool.connect", "pool checkout (and its socket check)"),
    ("sqlalchemy.engine.base", "Connection.execute",
     "SQL statements: SQLAlchemy Core and psycopg"),
    ("sqlalchemy.engine.default", "DefaultDialect.do_commit", "COMMIT (a round trip)"),
]
VOTE_PARTS = DATABASE_PARTS + [
    ("eventapp.awards.voting", "cast_vote",
     "cast_vote: rules, ORM session, transaction (own)"),
    ("eventapp.awards.eligibility", "voter_in", "voter_in: the voter's row into rules (own)"),
    ("eventapp.awards.mixing", "mix_after_vote", "the mixer, every tenth vote (own)"),
    ("eventapp.awards.polls", "ballot_of", "ballot_of: the cached poll"),
    ("eventapp.awards.routes", "render_template",
     "the receipt page (rendered once per event and language)"),
    ("eventapp.awards.routes", "BallotForm", "BallotForm() (WTForms)"),
    ("flask_wtf.form", "FlaskForm.validate_on_submit", "the form's validation"),
    ("flask_login.login_manager", "LoginManager._load_user", "the signed-in user"),
    ("flask_wtf.csrf", "CSRFProtect.protect", "CSRF check"),
    ("eventapp.awards.vote_limit", "VoteLimit.allows", "rate limit (Redis)"),
    ("flask.sessions", "SecureCookieSessionInterface.open_session", "session cookie"),
]
REST = "Flask, its extensions and the route's own code"


class PartClock:
    """Adds up each part's own process time: while a part runs inside another (a statement
    inside the rules), the outer one's clock stops, so the parts add up to the whole."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = collections.defaultdict(float)
        self.running: list[list] = []  # [label, since], the innermost last

    def _enter(self, label: str) -> None:
        now = time.process_time()
        if self.running:
            self.spent[self.running[-1][0]] += now - self.running[-1][1]
        self.running.append([label, now])

    def _leave(self) -> None:
        now = time.process_time()
        label, since = self.running.pop()
        self.spent[label] += now - since
        if self.running:
            self.running[-1][1] = now

    def timed(self, label: str, function):
        @functools.wraps(function)
        def part(*args, **kwargs):
            self._enter(label)
            try:
                return function(*args, **kwargs)
            finally:
                self._leave()
        return part

    def wrap(self, parts) -> None:
        """Time each (module, attribute, label) of `parts` wherever it is called."""
        for module, attribute, label in parts:
            owner = importlib.import_module(module)
            *path, name = attribute.split(".")
            for step in path:
                owner = getattr(owner, step)
            setattr(owner, name, self.timed(label, getattr(owner, name)))

    def report(self, title: str, requests: int) -> None:
        total = sum(self.spent.values())
        print(f"\n=== {title}: {total / requests * 1000:.2f} ms CPU per request in the app, "
              "of which:")
        for label, seconds in sorted(self.spent.items(), key=lambda item: -item[1]):
            print(f"  {seconds / requests * 1000:6.3f} ms  {seconds / total * 100:3.0f} %  {label}")
        self.spent.clear()


def floor_parts(clock: PartClock, prepared: dict) -> None:
    """The floor's POST /vote in process, through the same clock, for comparison."""
    import floor_app

    client = floor_app.app.test_client()
    inner = floor_app.app.wsgi_app
    floor_app.app.wsgi_app = clock.timed(REST, lambda *call: list(inner(*call)))
    for user in prepared["user_ids"]:
        form = {"poll": prepared["floor_poll"], "user": user,
                "finalist": prepared["floor_finalist"]}
        assert client.post("/vote", data=form).status_code == 200
    clock.report("floor (bench/floor_app.py)", len(prepared["user_ids"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1500)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--parts", action="store_true",
                        help="the vote's real CPU and its parts', without a profiler")
    args = parser.parse_args()
    os.environ.update({"EVENTAPP_ENV": "production", "EVENTAPP_SECRET_KEY": bench.SECRET,
                       "EVENTAPP_DATABASE_URL": PROFILE_URL, "REDIS_URL": bench.REDIS_URL,
                       "EVENTAPP_FORCE_HTTPS": "0"})
    bench.reset_database(PROFILE_URL)
    prepared = bench.prepare(PROFILE_URL, args.voters, seats_per_session=10)
    import redis

    from eventapp import create_app
    redis.Redis.from_url(bench.REDIS_URL).flushdb()
    app = create_app()
    client = app.test_client()
    url = f"/events/{prepared['vote_slug']}/vote"
    profiles = {"ballot page": cProfile.Profile(), "vote": cProfile.Profile()}
    ballots = []
    inner = app.wsgi_app
    clock = PartClock()
    for phase, profile in profiles.items():
        if not args.parts:
            app.wsgi_app = profiled(inner, profile)
        elif phase == "vote":
            clock.wrap(VOTE_PARTS)
            app.wsgi_app = clock.timed(REST, lambda *call: list(inner(*call)))
        started = time.process_time()
        for index, cookie in enumerate(prepared["cookies"]):
            client.set_cookie("session", cookie)
            if phase == "ballot page":
                body = client.get(url).get_data(as_text=True)
                token = bench.CSRF.search(body).group(1)
                finalists = bench.FINALIST.findall(body)
                ballots.append((token, finalists[index % len(finalists)]))
            else:
                token, finalist = ballots[index]
                response = client.post(url, data={"csrf_token": token, "finalist": finalist,
                                                  "confirmed": "1"})
                assert bench.RECEIPT.search(response.get_data(as_text=True)), response.status
        elapsed = time.process_time() - started
        if args.parts:
            if phase == "vote":
                clock.report("vote", args.voters)
                floor_parts(clock, prepared)
            continue
        stats = pstats.Stats(profile, stream=(out := io.StringIO()))
        inside = stats.total_tt / args.voters * 1000
        print(f"\n=== {phase}: {inside:.2f} ms CPU per request in the app "
              f"({elapsed / args.voters * 1000:.2f} ms with the test client)")
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(re.sub(r"\s+/\S*site-packages/", " ", out.getvalue()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
