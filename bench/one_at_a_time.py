"""The vote's and the floor's CPU per request with nothing else running: one gunicorn worker
each, one request at a time, the same prepared voters as `make bench`.

`make bench` measures what two shared cores give under 50 connections, which varies by up
to a third from run to run; this measures what a request costs the app on its own, which
the changes to the vote's code are about. Usage: .venv/bin/python bench/one_at_a_time.py
[--voters 2000]
"""

import argparse
import http.client
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import redis
import run as bench

APP_PORT, FLOOR_PORT = 8201, 8202


def one_request(port: int, method: str, path: str, form: dict | None = None,
                cookie: str | None = None) -> tuple[int, str]:
    """One request on a connection of its own, as a phone's; the status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"User-Agent": bench.USER_AGENT}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text


def app_cpu_ms(server, requests: int, send) -> float:
    """The server's CPU (master and worker) per request while `send()` runs."""
    def cpu():
        return sum(seconds for pid, (_group, seconds) in bench.server_cpu().items()
                   if pid == server.pid or _parent(pid) == server.pid)
    before = cpu()
    send()
    return (cpu() - before) / requests * 1000


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=2000)
    args = parser.parse_args()
    url = bench.POSTGRES_URL
    bench.reset_database(url)
    redis.Redis.from_url(bench.REDIS_URL).flushdb()
    prepared = bench.prepare(url, args.voters, seats_per_session=10)
    env = bench.server_env(url, Path(tempfile.mkdtemp(prefix="eventapp-bench-")))
    app = bench.start_gunicorn("wsgi:app", APP_PORT, env, workers=1)
    floor = bench.start_gunicorn("floor_app:app", FLOOR_PORT, env, workers=1)
    try:
        time.sleep(5)  # both up and past their first request's imports
        vote_url = f"/events/{prepared['vote_slug']}/vote"
        ballots = []
        for index, cookie in enumerate(prepared["cookies"]):
            _status, page = one_request(APP_PORT, "GET", vote_url, cookie=cookie)
            finalists = bench.FINALIST.findall(page)
            ballots.append({"csrf_token": bench.CSRF.search(page).group(1),
                            "finalist": finalists[index % len(finalists)], "confirmed": "1"})

        def votes():
            for ballot, cookie in zip(ballots, prepared["cookies"], strict=True):
                status, page = one_request(APP_PORT, "POST", vote_url, ballot, cookie)
                assert status == 200 and bench.RECEIPT.search(page), status

        def floor_votes():
            for user in prepared["user_ids"]:
                form = {"poll": prepared["floor_poll"], "user": user,
                        "finalist": prepared["floor_finalist"]}
                assert one_request(FLOOR_PORT, "POST", "/vote", form)[0] == 200

        vote_ms = app_cpu_ms(app, args.voters, votes)
        floor_ms = app_cpu_ms(floor, args.voters, floor_votes)
    finally:
        for server in (app, floor):
            server.terminate()
            server.wait(timeout=30)
    print(f"app CPU per request, one at a time ({args.voters} each, commit {bench.git_commit()}):"
          f" vote {vote_ms:.2f} ms, floor {floor_ms:.2f} ms, floor / vote {floor_ms / vote_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
