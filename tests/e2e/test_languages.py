"""Issue 35, item 6, in a real browser: an English browser reads a German meeting in English,
signed in or not, while the big screen keeps the meeting's German."""

import pytest
from playwright.sync_api import expect

from .test_hybrid_meeting import _signed_in_phone

pytestmark = pytest.mark.slow


@pytest.fixture
def english_context(browser):
    """Browser contexts whose Accept-Language is English (the suite's others say German)."""
    contexts = []

    def make(**options):
        contexts.append(browser.new_context(locale="en-GB", **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


def test_an_english_browser_reads_a_german_meeting_in_english_but_the_screen_in_german(
        live_server, english_context, create_event, register, screenshot):
    event = create_event(finalists=2)
    person = register(event, email="pat@example.org").user
    visitor = english_context().new_page()
    visitor.goto(f"{live_server}/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    visitor.goto(f"{live_server}/events/{event.slug}/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("#lang-select")).to_have_value("en")
    screenshot(visitor, "languages-01-event-en")

    phone = _signed_in_phone(english_context, live_server, person)
    phone.goto(f"{live_server}/events/{event.slug}/me")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("#lang-select")).to_have_value("en")

    screen = english_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")
    expect(screen.locator("html")).to_have_attribute("lang", "de")
