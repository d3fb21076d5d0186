"""Every page parses as valid HTML5 (html5lib in strict mode), in German and English."""

import pathlib
import re

import pytest

from eventapp.awards import polls
from eventapp.awards.finalists import finalists_of
from eventapp.awards.hall_of_fame import past_winners
from eventapp.events.services import get_event
from eventapp.live import services as live
from eventapp.registration.services import registrations_for_event
from eventapp.speakers.services import speakers_of

from ..helpers import assert_valid_html

PAST = "clustertreffen-2022"  # the demo's meeting of 2022, over, with its result
SLUG = "jahrestreffen-go-cluster"  # the demo's next meeting, open for registration
PUBLIC = ["/", "/hall-of-fame", f"/events/{SLUG}/", f"/events/{SLUG}/register",
          f"/events/{SLUG}/register/done", f"/events/{PAST}/", f"/events/{PAST}/results",
          f"/events/{PAST}/results?receipt=ABCDE-23456", f"/screen/{PAST}",
          "/auth/sign-in", "/auth/login",
          f"/screen/{SLUG}", f"/screen/{SLUG}/stage"]
MISSING = "/nowhere"  # the error page must be valid HTML too
PARTICIPANT = ["/me", f"/events/{SLUG}/me", f"/events/{SLUG}/vote", f"/events/{SLUG}/me/ticket",
               "/me/privacy", f"/events/{SLUG}/me/ranking"]
ORGANISER = ["/organiser/", "/organiser/events/new", f"/organiser/events/{SLUG}/",
             f"/organiser/events/{SLUG}/edit", f"/organiser/events/{SLUG}/agenda/new",
             f"/organiser/events/{SLUG}/breakouts/new", f"/organiser/events/{SLUG}/finalists/new",
             f"/organiser/events/{SLUG}/registrations", f"/organiser/events/{SLUG}/live",
             f"/organiser/events/{SLUG}/checkin", f"/organiser/events/{SLUG}/checkin?q=a",
             f"/organiser/events/{SLUG}/dashboard", f"/organiser/events/{SLUG}/audit",
             f"/organiser/events/{SLUG}/copy", f"/organiser/events/{SLUG}/message",
             f"/organiser/events/{SLUG}/guests",
             "/organiser/hall-of-fame/",
             "/organiser/hall-of-fame/new", f"/organiser/events/{SLUG}/allocation",
             f"/organiser/events/{SLUG}/speakers", f"/organiser/events/{SLUG}/speakers/new"]



def _seed_demo(runner, *options):
    assert runner.invoke(args=["seed", "demo", "--participants", "6", *options]).exit_code == 0
    return get_event(SLUG)


@pytest.fixture
def demo(runner, organiser):
    """The demo's next meeting with a pitch on the screen and the vote still to come."""
    event = _seed_demo(runner)
    live.start_pitch(organiser, event, finalists_of(event)[0].id)
    return event


@pytest.fixture
def demo_after_vote(runner, organiser):
    """The demo's next meeting, beside the one of 2022 whose results pages exist."""
    return _seed_demo(runner)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_is_valid_html(client, auth, demo_after_vote, language):
    client.post("/auth/language", data={"lang": language})
    pages = [(url, None) for url in [*PUBLIC, MISSING]]
    person = registrations_for_event(demo_after_vote)[0].user
    pages += [(url, lambda: auth.login_participant(person)) for url in PARTICIPANT]
    pages += [(url, auth.login_organiser) for url in ORGANISER]
    finalist = finalists_of(demo_after_vote)[0]
    pages.append((f"/organiser/events/{SLUG}/finalists/{finalist.id}/team", None))
    winner = past_winners()[0]
    pages.append((f"/organiser/hall-of-fame/{winner.id}/edit", None))
    speaker = speakers_of(demo_after_vote)[0]
    pages.append((f"/organiser/events/{SLUG}/speakers/{speaker.id}/edit", None))
    pages.append((f"/events/{SLUG}/speakers/{speaker.id}", None))
    for url, sign_in in pages:
        if sign_in:
            sign_in()
        response = client.get(url, follow_redirects=True)
        assert response.status_code == (404 if url == MISSING else 200), url
        assert_valid_html(response.get_data(as_text=True), url)


def test_vote_pages_are_valid_html(client, auth, demo, organiser):
    live.open_vote(organiser, demo, "ClusterERFOLG 2022")
    person = registrations_for_event(demo)[0].user
    auth.login_participant(person)
    url = f"/events/{SLUG}/vote"
    finalist = polls.current_poll(demo).candidates[0].id
    for response in (client.get(url), client.post(url, data={"finalist": finalist}),
                     client.post(url, data={"finalist": finalist, "confirmed": "1"}),
                     client.post(url, data={})):
        assert_valid_html(response.get_data(as_text=True), url)


def test_pages_before_the_reveal_are_valid_html(client, auth, demo, organiser):
    """The announced result that only organisers see, and the public pages meanwhile."""
    live.open_vote(organiser, demo, "ClusterERFOLG 2022")
    live.close_vote(organiser, demo)
    live.announce(organiser, demo)
    for url in (f"/events/{SLUG}/", f"/screen/{SLUG}", f"/screen/{SLUG}/stage"):
        assert_valid_html(client.get(url).get_data(as_text=True), url)
    auth.login_organiser()
    url = f"/organiser/events/{SLUG}/live"
    page = client.get(url).get_data(as_text=True)
    assert 'id="result-not-public"' in page
    assert_valid_html(page, url)


# What a template may compare with a quoted string: the page's language, a form field's name
# or type. Statuses, kinds, roles and capabilities are enums (app.jinja_env.globals).
_RAW_COMPARISON = re.compile(r"([\w.()]+)\s*(?:==|!=|(?:not\s+)?in\s*[(\[])\s*['\"][a-z_]+['\"]"
                             r"|(can)\([^)]*,\s*['\"]")
_ALLOWED = {"current_locale()", "f.name", "f.type", "schema.type"}  # schema: the OpenAPI one


def test_no_template_compares_a_status_or_role_with_a_raw_string():
    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    raw = [f"{path.relative_to(root)}:{number}: {match.group(0)}"
           for path in sorted(root.rglob("*")) if path.is_file()
           for number, line in enumerate(path.read_text().splitlines(), start=1)
           for match in _RAW_COMPARISON.finditer(line)
           if (match.group(1) or match.group(2)) not in _ALLOWED]
    assert not raw, "compare with the enum (PollStatus.OPEN), not a string:\n" + "\n".join(raw)
