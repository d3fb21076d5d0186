"""The live state pushed through nginx's Nchan (issue 36): a phone waiting on the ballot, an
online participant's stage page and the big screen learn that the vote opened within a
second, without polling and without loading a page again; the phone votes with one POST.
When the push endpoint is down, they follow by polling.

nginx runs on 127.0.0.1 with the configuration generated from deploy/nginx/ (the production
snippets), in front of the test server; the test's own app publishes, as the live control's
server would.
"""

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from deploy.nginx.local import start_nginx, stop
from eventapp.auth.services import issue_sign_in_token
from eventapp.awards import polls
from eventapp.awards.finalists import finalists_of
from eventapp.awards.models import Eligibility
from eventapp.database import utcnow, write_transaction
from eventapp.live import services as live

from ..helpers import free_port, soon
from .conftest import PHONE

pytestmark = pytest.mark.slow


@pytest.fixture
def publish_port(app):
    """The port of Nchan's publish location; the apps publish there from now on."""
    port = free_port()
    app.config["LIVE_PUSH_PUBLISH_URL"] = f"http://127.0.0.1:{port}/pub"
    return port


def _nginx(tmp_path, live_server, publish_port, push: str):
    port = free_port()
    app_port = int(live_server.rsplit(":", 1)[1])
    process = start_nginx(tmp_path / "nginx", port, [app_port], publish_port=publish_port,
                          push=push)
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def pushed(tmp_path, publish_port, live_server):
    """nginx with Nchan in front of the test server; its base URL."""
    process, base = _nginx(tmp_path, live_server, publish_port, "on")
    yield base
    stop(process)


@pytest.fixture
def push_down(tmp_path, publish_port, live_server):
    """nginx whose push location fails (502), as a broken Nchan would; its base URL."""
    process, base = _nginx(tmp_path, live_server, publish_port, "down")
    yield base
    stop(process)


@pytest.fixture
def meeting(create_event, register, organiser):
    """A hybrid meeting on now with a prepared award (a draft among two finalists), one
    person in the hall and one online."""
    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=30),
                         format="hybrid", venue="Berlin", finalists=2,
                         stream_url="https://stream.example.org/live")
    poll = polls.create_poll(organiser, event, "Publikumspreis", Eligibility.REGISTERED,
                             finalist_ids=[f.id for f in finalists_of(event)])
    hall = register(event, email="saal@example.org", attendance_mode="in_person").user
    home = register(event, email="zuhause@example.org", attendance_mode="online").user
    return event, poll, hall, home


class Watched:
    """A browser page and what it asked for: page loads, polls of the state, posts."""

    def __init__(self, page, base: str, slug: str):
        self.page, self.loads, self.polls, self.posts = page, [], [], []
        polled = re.compile(rf"/live/{slug}/(state|show)$")

        def seen(request):
            if request.resource_type == "document" and request.url.startswith(base):
                self.loads.append(request.url)
                if request.method == "POST":
                    self.posts.append(request.url)
            elif polled.search(request.url):
                self.polls.append(time.monotonic())

        page.on("request", seen)


def _pages(new_context, base, event, hall, home):
    def signed_in(user, viewport):
        page = new_context(viewport=viewport).new_page()
        with write_transaction():
            token = issue_sign_in_token(user, soon(), single_use=False)
        page.goto(f"{base}/auth/link/{token}")
        return page

    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    phone = signed_in(hall, PHONE)
    stage = signed_in(home, PHONE)
    watched = [Watched(page, base, event.slug) for page in (phone, stage, screen)]
    phone.goto(f"{base}/events/{event.slug}/vote")
    stage.goto(f"{base}/events/{event.slug}/stage")
    screen.goto(f"{base}/screen/{event.slug}")
    expect(phone.get_by_role("status")).to_contain_text("noch nicht")
    return watched


def _vote_once(watched: Watched, finalist: str) -> None:
    phone = watched.page
    phone.get_by_label(re.compile(re.escape(finalist))).check()
    phone.get_by_role("button", name="Weiter").click()
    phone.get_by_role("button", name="Stimme abgeben").click()
    expect(phone.locator("#receipt")).to_be_visible()
    assert len(watched.posts) == 1, "the vote is one POST"


def test_the_opening_of_the_vote_reaches_phone_stage_and_screen_by_push_within_a_second(
        pushed, new_context, organiser, meeting):
    event, poll, hall, home = meeting
    phone, stage, screen = _pages(new_context, pushed, event, hall, home)
    time.sleep(3)  # subscribed by now: one poll when connected, then none
    before = [len(page.polls) for page in (phone, stage, screen)]

    live.open_vote(organiser, event, poll_id=poll.id)
    opened = time.monotonic()
    expect(phone.page.get_by_label("Netzwerk 2")).to_be_visible(timeout=1000)
    expect(screen.page.locator("#stage")).to_contain_text("Abstimmung läuft", timeout=1000)
    expect(stage.page.get_by_role("link", name="Zum Stimmzettel")).to_be_visible(timeout=1000)
    assert time.monotonic() - opened < 1.5  # all three, one after the other
    time.sleep(3)
    # Pushed, not polled: nobody asked for the state meanwhile, and no page loaded again.
    assert [len(page.polls) for page in (phone, stage, screen)] == before
    assert len(phone.loads) == 1 and len(stage.loads) == 1 and len(screen.loads) == 1

    _vote_once(phone, "Netzwerk 2")
    expect(screen.page.locator("[data-turnout-votes]")).to_have_text("1", timeout=3000)


def test_when_the_push_is_down_the_pages_follow_by_polling(
        push_down, new_context, organiser, meeting):
    event, poll, hall, home = meeting
    phone, stage, screen = _pages(new_context, push_down, event, hall, home)

    live.open_vote(organiser, event, poll_id=poll.id)
    expect(phone.page.get_by_label("Netzwerk 2")).to_be_visible(timeout=15_000)
    expect(screen.page.locator("#stage")).to_contain_text("Abstimmung läuft", timeout=15_000)
    expect(stage.page.get_by_role("link", name="Zum Stimmzettel")).to_be_visible(timeout=15_000)
    assert all(page.polls for page in (phone, stage, screen))
    assert len(phone.loads) == 1  # the ballot came with the page: shown, not loaded again
    _vote_once(phone, "Netzwerk 1")
