"""Publishing the live state to Nchan (live/push.py, deploy/nginx/eventapp-push*.conf): once
per change, the turnout at most once a second, nothing without the setting; and nobody
outside can publish."""

import http.client
import itertools
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from deploy.nginx.local import start_nginx, stop
from eventapp.awards import polls, voting
from eventapp.live import services as live
from eventapp.live.push import Publisher

from ..helpers import free_port


class Recorder(ThreadingHTTPServer):
    """Stands in for Nchan's publish location: keeps what it is sent."""

    def __init__(self):
        self.posts: list[tuple[str, bytes]] = []
        self.times: list[float] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N805
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                self.posts.append((handler.path, body))
                self.times.append(time.monotonic())
                handler.send_response(201)
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def channels(self, wait: float = 0.5, at_least: int = 0) -> list[str]:
        """The channels posted to, after `wait` seconds, or up to 10 s for `at_least` posts
        (the publishing thread shares two busy cores)."""
        deadline = time.monotonic() + 10
        while len(self.posts) < at_least and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(wait)
        return [path for path, _body in self.posts]


@pytest.fixture
def recorder(app):
    server = Recorder()
    app.config["LIVE_PUSH_PUBLISH_URL"] = f"http://127.0.0.1:{server.server_port}/pub"
    yield server
    server.shutdown()
    server.server_close()  # the listening socket, else a ResourceWarning fails a later test


def test_each_change_of_the_show_is_published_once_to_both_channels(
        recorder, create_event, organiser):
    event = create_event(finalists=2)
    live.open_vote(organiser, event, "Preis")
    slug = event.slug
    assert sorted(recorder.channels(at_least=2)) == [f"/pub/show/{slug}", f"/pub/state/{slug}"]
    state = json.loads(dict(recorder.posts)[f"/pub/state/{slug}"])
    assert state["tag"] == live.state_tag(slug) and state["poll"]["status"] == "open"

    recorder.posts.clear()
    live.show_welcome(organiser, event)
    assert sorted(recorder.channels(at_least=2)) == [f"/pub/show/{slug}", f"/pub/state/{slug}"]


def test_the_turnout_goes_out_at_most_once_a_second_and_not_to_the_phones(
        recorder, create_event, register, organiser):
    event = create_event(finalists=2)
    poll = live.open_vote(organiser, event, "Preis")
    recorder.channels(at_least=2)
    recorder.posts.clear()
    recorder.times.clear()
    for _ in range(6):
        voting.cast_vote(poll, register(event).user, poll.candidates[0].id)
    deadline = time.monotonic() + 10
    while not recorder.posts or json.loads(recorder.posts[-1][1])["poll"]["votes"] != 6:
        assert time.monotonic() < deadline, recorder.posts  # the last count always arrives
        time.sleep(0.05)
    sent = recorder.channels(wait=1.5)
    # The phones' channel has no turnout: nothing changed for them.
    assert all(path == f"/pub/state/{event.slug}" for path in sent)
    gaps = [later - earlier for earlier, later in itertools.pairwise(recorder.times)]
    assert all(gap > 0.7 for gap in gaps), gaps  # about once a second at most


def test_a_change_back_to_an_earlier_state_reaches_the_channel_whichever_process_sends_it(
        recorder, app, create_event, organiser):
    """A rehearsal leaves the show's version alone: once it ends, the tag is the one of
    before it. Another process may have sent that tag before the rehearsal; it sends it
    again, or the channel would keep the rehearsal (and a page loaded then, seeing another
    version pushed than its own, would load itself again and again)."""
    event = create_event(finalists=2)
    live.show_welcome(organiser, event)
    before = live.state_tag(event.slug)
    other_process = Publisher(app)
    other_process.publish(event.id)
    live.start_rehearsal(organiser, event)
    recorder.channels(at_least=4)
    live.end_rehearsal(organiser, event)
    recorder.channels(at_least=6)
    recorder.posts.clear()
    with app.test_request_context():
        other_process.enqueue(event.id, turnout_only=False)  # the end, had it been served there
    sent = recorder.channels(at_least=2)
    assert f"/pub/state/{event.slug}" in sent
    assert json.loads(dict(recorder.posts)[f"/pub/state/{event.slug}"])["tag"] == before


def test_the_votes_of_a_full_hall_wake_the_publisher_only_when_it_must_plan_anew(app):
    """Each vote announces a new turnout; the publishing thread wakes for the first only (a
    woken thread takes the interpreter from the request being served), and again for a
    change of the show, which goes out at once."""
    publisher = Publisher(app)
    publisher.thread, publisher.pid = object(), os.getpid()  # count the wake-ups, no thread
    publisher.last[1] = time.monotonic()  # its turnout went out just now
    with mock.patch.object(publisher.condition, "notify") as notify:
        for _ in range(100):
            publisher.enqueue(1, turnout_only=True)
        assert notify.call_count == 1
        publisher.enqueue(1, turnout_only=False)
        assert notify.call_count == 2 and publisher.due[1] <= time.monotonic()


def test_nothing_is_published_without_the_setting(app, create_event, organiser):
    assert not app.config["LIVE_PUSH_PUBLISH_URL"]
    live.open_vote(organiser, create_event(finalists=2), "Preis")
    assert "live_push" not in app.extensions  # no publisher, no thread


def test_a_results_channel_never_carries_a_result_before_its_reveal(
        recorder, create_event, register, organiser):
    event = create_event(finalists=2)
    poll = live.open_vote(organiser, event, "Preis")
    voting.cast_vote(poll, register(event).user, poll.candidates[1].id)
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    recorder.channels(at_least=6)  # opened, closed, announced: two channels each
    assert all(b"Netzwerk" not in body for _path, body in recorder.posts)
    recorder.posts.clear()
    live.reveal_next(organiser, event)  # the last place
    live.reveal_next(organiser, event)  # the winner
    deadline = time.monotonic() + 10
    while not any(b"Netzwerk 2" in body for _path, body in recorder.posts):
        assert time.monotonic() < deadline, recorder.posts
        time.sleep(0.05)
    assert polls.current_poll(event).status == "revealed"


# --- nginx: the publish location is internal ----------------------------------------------


def _subscribe_and_read(port: int, channel: str, seconds: float) -> bytes:
    """What an EventSource subscriber of the channel receives within `seconds`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
    connection.request("GET", f"/live/{channel}/push", headers={"Accept": "text/event-stream"})
    response = connection.getresponse()
    assert response.status == 200
    received = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            chunk = response.fp.read1(4096)
            if not chunk:
                break
            received += chunk
            if b"data:" in received:
                break
    except TimeoutError:
        pass
    connection.close()
    return received


def _outside_address() -> str | None:
    """An address of this machine other than the loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def _post(host: str, port: int, path: str) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("POST", path, body=b'{"tag":"1-99","poll":{"status":"open"}}',
                       headers={"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_an_outside_request_cannot_publish(tmp_path):
    port, publish_port, app_port = free_port(), free_port(), free_port()  # no app there
    nginx = start_nginx(tmp_path / "nginx", port, [app_port], publish_port=publish_port)
    try:
        # Through the public server: a subscriber location does not publish, and there is
        # no publisher location (the app's 404, here nginx's 502 for the missing app).
        for path in ("/live/treffen-1/state/push", "/live/treffen-1/show/push",
                     "/pub/state/treffen-1", "/pub/show/treffen-1"):
            assert _post("127.0.0.1", port, path) >= 400, path
        assert b"data:" not in _subscribe_and_read(port, "treffen-1/state", 1.0)
        # The publish location listens on the loopback interface only.
        outside = _outside_address()
        if outside is not None:
            with pytest.raises(OSError):
                socket.create_connection((outside, publish_port), timeout=2).close()
        # From inside, publishing works, and a new subscriber gets the last state at once.
        assert _post("127.0.0.1", publish_port, "/pub/state/treffen-1") in (201, 202)
        assert b'"tag":"1-99"' in _subscribe_and_read(port, "treffen-1/state", 2.0)
    finally:
        stop(nginx)


def test_push_connections_per_address_are_limited(tmp_path):
    port, publish_port = free_port(), free_port()
    nginx = start_nginx(tmp_path / "nginx", port, [free_port()], publish_port=publish_port,
                        push_conn_limit=2)
    held = []
    try:
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/live/treffen-1/show/push",
                               headers={"Accept": "text/event-stream"})
            response = connection.getresponse()  # holds the socket: kept open
            assert response.status == 200
            held.append((connection, response))
        third = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        third.request("GET", "/live/treffen-1/show/push", headers={"Accept": "text/event-stream"})
        assert third.getresponse().status == 429  # that page polls instead
        third.close()
    finally:
        for connection, response in held:
            response.close()
            connection.close()
        stop(nginx)
