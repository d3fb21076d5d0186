"""The pushed live state over two machines (issue 36): two nginx servers with Nchan in Redis
mode, each in front of its own app server, which publishes to it. Whatever one publishes,
subscribers of either receive."""

import http.client
import json
import re
import threading
import time

import pytest
import redis

from deploy.nginx.local import start_nginx, stop
from eventapp.auth.services import issue_sign_in_token
from eventapp.awards import polls
from eventapp.database import write_transaction
from eventapp.live import services as live

from ..helpers import free_port, soon
from .servers import AppServer, Browser

NCHAN_REDIS_URL = "redis://127.0.0.1:6379/12"
RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:6379/11"
TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


class Subscriber:
    """An EventSource connection to one nginx, read in a thread: the states it received."""

    def __init__(self, port: int, channel: str):
        self.states: list[dict] = []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", f"/live/{channel}/push",
                                headers={"Accept": "text/event-stream"})
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"data:"):
                    self.states.append(json.loads(line[5:]))
        except (OSError, ValueError):
            pass

    def wait_for(self, check, seconds: float = 5.0) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for state in self.states:
                if check(state):
                    return state
            time.sleep(0.05)
        raise AssertionError(f"not received in {seconds} s: {self.states}")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def machines(app, tmp_path):
    """Two (nginx port, app server) pairs; nginx shares its channels through Redis."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("several app servers share one PostgreSQL (TEST_DATABASE_URL)")
    redis.Redis.from_url(NCHAN_REDIS_URL).flushdb()
    redis.Redis.from_url(RATE_LIMIT_REDIS_URL).flushdb()
    app.config["MAIL_SUPPRESS_SEND"] = True
    pairs, processes = [], []
    for name in ("a", "b"):
        publish_port = free_port()
        server = AppServer(app, RATE_LIMIT_REDIS_URL, EVENTAPP_LIVE_PUSH_PUBLISH_URL=(
            f"http://127.0.0.1:{publish_port}/pub"))
        port = free_port()
        processes.append(start_nginx(tmp_path / f"nginx-{name}", port, [server.port],
                                     publish_port=publish_port, redis_url=NCHAN_REDIS_URL))
        pairs.append((port, publish_port, server))
    yield pairs
    for process in processes:
        stop(process)
    for _port, _publish_port, server in pairs:
        server.stop()


def test_what_one_machine_publishes_subscribers_of_both_receive(
        app, machines, organiser, create_event, register):
    (port_a, publish_a, server_a), (port_b, _publish_b, server_b) = machines
    event = create_event(finalists=2, sessions=())
    voter = register(event, email="zwei@example.org").user
    poll = polls.create_poll(organiser, event, "Preis")
    on_a = Subscriber(port_a, f"{event.slug}/state")
    on_b = Subscriber(port_b, f"{event.slug}/state")
    phone_on_b = Subscriber(port_b, f"{event.slug}/show")
    time.sleep(0.5)

    # The organiser's server (here: this test's app) publishes to machine a only.
    app.config["LIVE_PUSH_PUBLISH_URL"] = f"http://127.0.0.1:{publish_a}/pub"
    live.open_vote(organiser, event, poll_id=poll.id)
    opened = lambda state: state["poll"] and state["poll"]["status"] == "open"  # noqa: E731
    for subscriber in (on_a, on_b, phone_on_b):
        subscriber.wait_for(opened, 3.0)
    assert "votes" not in phone_on_b.wait_for(opened)["poll"]

    # A vote on machine b: its turnout reaches the screens on machine a.
    phone = Browser()
    with write_transaction():
        link = f"/auth/link/{issue_sign_in_token(voter, expires_at=soon(), single_use=False)}"
    phone.request(f"http://127.0.0.1:{port_b}{link}")
    ballot = phone.request(f"http://127.0.0.1:{port_b}/events/{event.slug}/vote")[1]
    status, _receipt, _headers = phone.request(
        f"http://127.0.0.1:{port_b}/events/{event.slug}/vote",
        {"csrf_token": TOKEN.search(ballot).group(1), "finalist": poll.candidates[0].id,
         "confirmed": "y"})
    assert status == 200
    on_a.wait_for(lambda state: state["poll"] and state["poll"]["votes"] == 1, 5.0)
    for subscriber in (on_a, on_b, phone_on_b):
        subscriber.close()
