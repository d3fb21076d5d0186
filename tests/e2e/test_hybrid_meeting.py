"""A hybrid meeting in a real browser: two people vote in the hall, one from the stage page at
home, and the big screen counts all three."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from eventapp.auth.services import issue_sign_in_token
from eventapp.awards.models import Eligibility
from eventapp.checkin.services import check_in
from eventapp.database import utcnow, write_transaction
from eventapp.live import services as live

from ..helpers import soon
from .conftest import PHONE

pytestmark = pytest.mark.slow


def _signed_in_phone(new_context, base, user):
    page = new_context(viewport=PHONE).new_page()
    with write_transaction():
        token = issue_sign_in_token(user, soon(), single_use=False)
    page.goto(f"{base}/auth/link/{token}")
    return page


def _vote(page, finalist: str) -> None:
    page.get_by_label(re.compile(re.escape(finalist))).check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Stimme abgeben").click()  # the confirm step
    expect(page.locator("#receipt")).to_be_visible()


@pytest.fixture
def hybrid(create_event, register, organiser):
    """A hybrid meeting on now: two people checked in at the venue, one registered online."""
    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=50),
                         format="hybrid", venue="Berlin", finalists=3,
                         stream_url="https://stream.example.org/live")
    hall = [register(event, email=f"hall{n}@example.org", attendance_mode="in_person")
            for n in (1, 2)]
    for person in hall:
        check_in(organiser, event, person)
    home = register(event, email="home@example.org", attendance_mode="online")
    return event, [p.user for p in hall], home.user


def test_two_vote_in_the_hall_one_from_the_stage_and_the_screen_counts_three(
        live_server, new_context, organiser, hybrid, screenshot):
    event, hall, home = hybrid
    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")

    at_home = _signed_in_phone(new_context, live_server, home)
    at_home.goto(f"{live_server}/events/{event.slug}/stage")  # now present online
    expect(at_home.get_by_role("link", name="Stream ansehen")).to_be_visible()
    phones = [_signed_in_phone(new_context, live_server, user) for user in hall]
    for phone in phones:
        phone.goto(f"{live_server}/events/{event.slug}/vote")

    live.open_vote(organiser, event, "ClusterERFOLG", Eligibility.PRESENT)
    # The stage follows the show by itself and offers the ballot where the screen has its QR.
    ballot = at_home.get_by_role("link", name="Zum Stimmzettel")
    expect(ballot).to_be_visible(timeout=15_000)
    screenshot(at_home, "hybrid-01-stage-phone")
    ballot.click()
    _vote(at_home, "Netzwerk 2")
    for phone in phones:
        expect(phone.locator("input[name=finalist]").first).to_be_visible(timeout=15_000)
        _vote(phone, "Netzwerk 1")

    expect(screen.locator("[data-turnout-votes]")).to_have_text("3", timeout=15_000)
    expect(screen.locator(".stage-turnout")).to_contain_text("/ 3")
    screenshot(screen, "hybrid-02-screen")


def test_the_stage_page_is_accessible_on_a_phone_and_a_laptop(live_server, new_context,
                                                              organiser, hybrid, screenshot):
    event, _hall, home = hybrid
    live.open_vote(organiser, event, "ClusterERFOLG", Eligibility.PRESENT)
    for name, viewport in (("phone", PHONE), ("laptop", {"width": 1280, "height": 800})):
        page = _signed_in_phone(new_context, live_server, home)
        page.set_viewport_size(viewport)
        page.goto(f"{live_server}/events/{event.slug}/stage")
        violations = [v["id"] for v in Axe().run(page).response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert violations == [], name
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"hybrid-03-stage-{name}")


def test_an_open_stage_page_shows_the_room_link_once_its_window_opens(
        live_server, new_context, create_event, register, organiser, monkeypatch):
    from eventapp.breakouts import services as breakouts
    from eventapp.breakouts.services import sessions_by_slot

    # Its breakout slot starts in 20 minutes: the room's link is not there yet.
    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=40),
                         format="hybrid", venue="Berlin")
    (slot, (room, _other)), = sessions_by_slot(event)
    breakouts.update_session(organiser, room, slot, title=room.title, description="", host="",
                             capacity=room.capacity, room_url="https://meet.example.org/room-1")
    home = register(event, email="home@example.org", attendance_mode="online",
                    session_ids=[room.id])
    page = _signed_in_phone(new_context, live_server, home.user)
    page.clock.install()
    page.goto(f"{live_server}/events/{event.slug}/stage")
    link = page.locator('a[href="https://meet.example.org/room-1"]')
    expect(link).to_have_count(0)

    later = utcnow() + timedelta(minutes=10)
    monkeypatch.setattr(breakouts, "utcnow", lambda: later)  # the server's clock, too
    page.clock.fast_forward(80_000)  # a minute and its jitter
    expect(link).to_be_visible(timeout=10_000)
