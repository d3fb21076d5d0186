"""The call's pages in a real browser: no serious or critical axe-core problem in either
language, and no page scrolls sideways at 360 px (applicants and jurors use phones)."""

from datetime import timedelta

import pytest

from eventapp.calls import services as calls
from eventapp.database import utcnow
from eventapp.registration.services import registrations_for_event

from ..helpers import image_bytes
from .conftest import PHONE
from .test_accessibility import (
    SLUG,
    _sign_in_organiser,
    _sign_in_participant,
    _switch_language,
    demo,  # noqa: F401 (the fixture)
    serious_violations,
    sideways_scroll,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def call_with_jury(demo, organiser):  # noqa: F811 (the imported fixture)
    """The demo meeting with an open call, one application, and its first participant on the
    jury."""
    calls.save_call(organiser, demo, opens_at=None, deadline=utcnow() + timedelta(days=7),
                    intro="Bewerben Sie sich!", questions="Seit wann läuft das Projekt?",
                    criteria="Innovation | 2 | 10\nWirkung | 1 | 5")
    application = calls.apply(demo, organisation="Netzwerk Nord", project_title="Projekt",
                              summary="Kurz", contact_name="Ada", contact_email="ada@example.org",
                              answers=["2021"], consent=True, logo=image_bytes())
    calls.add_juror(organiser, demo, registrations_for_event(demo)[0].user.email)
    return demo, application


@pytest.mark.parametrize("language", ["de", "en"])
def test_call_pages_are_accessible_and_fit_a_phone(live_server, new_context, call_with_jury,
                                                   language):
    event, application = call_with_jury
    pages = (("public", [f"/events/{SLUG}/", f"/events/{SLUG}/call",
                         f"/events/{SLUG}/call/sent"]),
             ("juror", [f"/events/{SLUG}/jury", f"/events/{SLUG}/jury/{application.id}"]),
             ("organiser", [f"/organiser/events/{SLUG}/call",
                            f"/organiser/events/{SLUG}/call/applications"]))
    problems = {}
    for who, urls in pages:
        page = new_context(viewport=PHONE).new_page()
        _switch_language(page, live_server, language)
        if who == "juror":
            _sign_in_participant(page, live_server, event)
        elif who == "organiser":
            _sign_in_organiser(page, live_server)
        for url in urls:
            page.goto(live_server + url)
            found = serious_violations(page)
            if sideways_scroll(page) > 0:
                found.append(f"scrolls sideways by {sideways_scroll(page)} px at 360 px")
            if found:
                problems[url] = found
    assert problems == {}, "\n".join(f"{u}: {p}" for u, p in problems.items())
