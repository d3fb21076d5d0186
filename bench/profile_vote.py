"""Where a vote's CPU goes: the ballot page and the vote, in process, under cProfile.

    .venv/bin/python bench/profile_vote.py [--voters 1500] [--top 40]
    .venv/bin/python bench/profile_vote.py --parts [--voters 1500]

Prepares the benchmark's event and voters (bench/run.py) on PostgreSQL (database
eventapp_profile), builds the app with the production settings of `make bench`, and sends
every voter's ballot page and vote through the WSGI app. Only the app's own work is
profiled (the test client's is not); the output is the CPU per request and the functions
that take it, by own time and by cumulative time.

cProfile's cost per call inflates code of many small calls (templates, Babel) several times
over; `--parts` instead measures the vote's real CPU and that of its named parts, without a
profiler (each part's process time around one call).
"""

import argparse
import cProfile
import functools
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


# --parts: (module, attribute, label) of the parts of a vote that are timed.
PARTS = [
    ("eventapp.awards.ballots", "cast_vote", "cast_vote: rules, writes, commit"),
    ("eventapp.awards.ballots", "_mix_after_vote", "the mixer (every tenth vote)"),
    ("eventapp.awards.polls", "ballot_of", "ballot_of: the cached poll"),
    ("eventapp.awards.routes", "render_template", "the receipt page"),
    ("eventapp.awards.routes", "BallotForm", "BallotForm()"),
    ("flask_login.login_manager", "LoginManager._load_user", "the signed-in user"),
    ("flask_wtf.csrf", "CSRFProtect.protect", "CSRF check"),
    ("flask_limiter._extension", "Limiter._check_request_limit",
     "rate limit"),
]


def timed_parts() -> dict[str, float]:
    """Wrap each part of PARTS to add up its process time; the sums, filled as votes run."""
    import importlib

    spent = dict.fromkeys((label for *_, label in PARTS), 0.0)
    for module, attribute, label in PARTS:
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = getattr(owner, name)

        @functools.wraps(original)
        def part(*args, _original=original, _label=label, **kwargs):
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.process_time() - started
        setattr(owner, name, part)
    return spent


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
    for phase, profile in profiles.items():
        if not args.parts:
            app.wsgi_app = profiled(inner, profile)
        elif phase == "vote":
            spent = timed_parts()
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
                print(f"\n=== vote: {elapsed / args.voters * 1000:.2f} ms CPU per request "
                      "(with the test client), of which:")
                for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
                    print(f"  {seconds / args.voters * 1000:6.2f} ms  {label}")
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
