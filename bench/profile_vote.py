"""Where a vote's CPU goes: the ballot page and the vote, in process, under cProfile.

    .venv/bin/python bench/profile_vote.py [--voters 1500] [--top 40]

Prepares the benchmark's event and voters (bench/run.py) on PostgreSQL (database
eventapp_profile), builds the app with the production settings of `make bench`, and sends
every voter's ballot page and vote through the WSGI app. Only the app's own work is
profiled (the test client's is not); the output is the CPU per request and the functions
that take it, by own time and by cumulative time.
"""

import argparse
import cProfile
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1500)
    parser.add_argument("--top", type=int, default=40)
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
        app.wsgi_app = profiled(inner, profile)
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
