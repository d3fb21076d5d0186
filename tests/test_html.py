"""Every page parses as valid HTML5 (html5lib in strict mode), in German and English."""

import html5lib
import pytest
from html5lib.html5parser import ParseError

from eventapp.awards import voting
from eventapp.awards.services import finalists_of
from eventapp.events.services import get_event
from eventapp.live import services as live
from eventapp.registration.services import registrations_for_event

SLUG = "clustertreffen-2022"
PUBLIC = ["/", "/hall-of-fame", f"/events/{SLUG}/", f"/events/{SLUG}/register",
          f"/events/{SLUG}/register/done", f"/events/{SLUG}/results",
          f"/events/{SLUG}/results?receipt=ABCDE-23456", "/auth/sign-in", "/auth/login",
          f"/screen/{SLUG}", f"/screen/{SLUG}/stage", "/nowhere"]
PARTICIPANT = ["/me", f"/events/{SLUG}/me", f"/events/{SLUG}/vote", f"/events/{SLUG}/me/ticket",
               "/me/privacy"]
ORGANISER = ["/organiser/", "/organiser/events/new", f"/organiser/events/{SLUG}/",
             f"/organiser/events/{SLUG}/edit", f"/organiser/events/{SLUG}/agenda/new",
             f"/organiser/events/{SLUG}/breakouts/new", f"/organiser/events/{SLUG}/finalists/new",
             f"/organiser/events/{SLUG}/registrations", f"/organiser/events/{SLUG}/live",
             f"/organiser/events/{SLUG}/checkin", f"/organiser/events/{SLUG}/checkin?q=a",
             f"/organiser/events/{SLUG}/dashboard", f"/organiser/events/{SLUG}/audit",
             f"/organiser/events/{SLUG}/copy", f"/organiser/events/{SLUG}/message",
             f"/organiser/events/{SLUG}/badges"]


def assert_valid_html(html: str, url: str) -> None:
    parser = html5lib.HTMLParser(strict=True)
    try:
        # The screen's stage is a fragment that the screen swaps in.
        parser.parseFragment(html) if url.endswith("/stage") else parser.parse(html)
    except ParseError as error:
        line = html.splitlines()[max(0, parser.errors[-1][0][0] - 1)] if parser.errors else ""
        pytest.fail(f"{url}: {error} near: {line.strip()[:200]}")


@pytest.fixture
def demo(runner, organiser):
    assert runner.invoke(args=["seed", "demo", "--participants", "6"]).exit_code == 0
    event = get_event(SLUG)
    live.start_pitch(organiser, event, finalists_of(event)[0].id)
    return event


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_is_valid_html(client, auth, demo, organiser, language):
    client.post("/auth/language", data={"lang": language})
    pages = [(url, None) for url in PUBLIC]
    person = registrations_for_event(demo)[0].user
    pages += [(url, lambda: auth.login_participant(person)) for url in PARTICIPANT]
    pages += [(url, auth.login_organiser) for url in ORGANISER]
    finalist = finalists_of(demo)[0]
    pages.append((f"/organiser/events/{SLUG}/finalists/{finalist.id}/team", None))
    for url, sign_in in pages:
        if sign_in:
            sign_in()
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert_valid_html(response.get_data(as_text=True), url)


def test_vote_pages_are_valid_html(client, auth, demo, organiser):
    live.open_vote(organiser, demo, "ClusterERFOLG 2022")
    person = registrations_for_event(demo)[0].user
    auth.login_participant(person)
    url = f"/events/{SLUG}/vote"
    finalist = voting.current_poll(demo).candidates[0].id
    for response in (client.get(url), client.post(url, data={"finalist": finalist}),
                     client.post(url, data={"finalist": finalist, "confirmed": "1"}),
                     client.post(url, data={})):
        assert_valid_html(response.get_data(as_text=True), url)
