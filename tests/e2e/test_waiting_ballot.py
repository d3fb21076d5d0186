"""A phone waiting on the ballot before the vote opens (issue 35, item 1): the welcome screen's
QR code invites the whole hall early, so every waiting phone must cost cheap 304s, not page
loads. It loads the ballot once; when the vote opens it shows the choices it came with
(issue 36, item 2), also for a vote among all finalists set up without choosing them."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventapp.auth.services import issue_sign_in_token
from eventapp.awards import polls
from eventapp.database import utcnow, write_transaction
from eventapp.live import services as live

from ..helpers import soon
from .conftest import PHONE

pytestmark = pytest.mark.slow

WAIT_SECONDS = 30


def test_a_phone_waiting_on_the_ballot_loads_it_once(
        live_server, new_context, organiser, create_event, register):
    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=30),
                         finalists=3)
    person = register(event, email="wartend@example.org")
    poll = polls.create_poll(organiser, event, "Publikumspreis")  # a draft, set up beforehand
    page = new_context(viewport=PHONE).new_page()
    with write_transaction():
        token = issue_sign_in_token(person.user, soon(), single_use=False)
    page.goto(f"{live_server}/auth/link/{token}")

    ballot = f"{live_server}/events/{event.slug}/vote"
    loads = []
    page.on("request", lambda request: loads.append(request.url)
            if request.resource_type == "document" and request.url.startswith(ballot) else None)
    page.goto(ballot)
    expect(page.get_by_role("status")).to_contain_text("noch nicht")
    page.wait_for_timeout(WAIT_SECONDS * 1000)
    assert len(loads) == 1, f"the waiting phone loaded the ballot {len(loads)} times"

    live.open_vote(organiser, event, poll_id=poll.id)
    expect(page.get_by_label("Netzwerk 2")).to_be_visible(timeout=15_000)
    page.wait_for_timeout(5000)
    assert len(loads) == 1, f"the phone loaded the ballot {len(loads)} times"
