"""Issue 38 on a phone (360 × 740), in German and English: the list of participants with its
search, a meeting request answered by the other, and the ranking form of ranked breakout
choices; each page checked by layout.py (no broken words, no overlap, nothing cut off)."""

import pytest
from playwright.sync_api import expect

from eventapp.allocation import services as allocation
from eventapp.allocation.models import AllocationMode
from eventapp.extensions import db
from eventapp.matchmaking import services as matchmaking

from .layout import layout_problems, save_screenshot
from .test_hybrid_meeting import _signed_in_phone

pytestmark = pytest.mark.slow


@pytest.fixture
def meeting(create_event, register, organiser):
    event = create_event(sessions=(("Wasserstoff in der Region", 2),
                                   ("Künstliche Intelligenz im Mittelstand", 2)))
    matchmaking.save_topics(organiser, event, "Wasserstoff\nKünstliche Intelligenz")
    anna = register(event, name="Anna Andersson", organisation="Nordlicht GmbH")
    ben = register(event, name="Ben Błażej", organisation="Südwind AG")
    matchmaking.opt_in(ben, "KI-Beratung für Cluster", "Partner für Datenprojekte",
                       ["Künstliche Intelligenz"])
    return event, anna, ben


# The phone's browser asks for German (conftest) or English: their pages follow it.
LANGUAGES = ["de", pytest.param("en", marks=pytest.mark.browser_context_args(locale="en-GB"))]
# The words each step looks for, in each language.
WORDS = {
    "de": {"offer": "Was ich biete", "consent": "Meinen Namen, meine Organisation",
           "join": "Mich in der Liste zeigen", "topics": "Themen", "search": "Suchen",
           "ask": "Um ein Treffen bitten", "message": "Eine kurze Nachricht",
           "asked": "Sie haben um ein Treffen gebeten.", "accept": "Annehmen",
           "meetings": "Ihre Treffen", "rank": "Breakout-Sessions bewerten",
           "first": "Erster Wunsch", "second": "Zweiter Wunsch",
           "save": "Meine Rangfolge speichern", "saved": "Ihre Rangfolge ist gespeichert."},
    "en": {"offer": "What I offer", "consent": "Show my name, organisation",
           "join": "Show me on the list", "topics": "Topics", "search": "Search",
           "ask": "Ask for a meeting", "message": "A short message",
           "asked": "You asked for a meeting.", "accept": "Accept",
           "meetings": "Your meetings", "rank": "Rank your breakout sessions",
           "first": "First choice", "second": "Second choice",
           "save": "Save my ranking", "saved": "Your ranking is saved."},
}


def _looks_right(page, name):
    assert layout_problems(page) == []
    save_screenshot(page, name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_request_and_answer_on_a_phone(live_server, new_context, meeting, language):
    event, anna, ben = meeting
    words = WORDS[language]
    phone = _signed_in_phone(new_context, live_server, anna.user)
    phone.goto(f"{live_server}/events/{event.slug}/people")
    # Not on the list yet: first the opt-in.
    _looks_right(phone, f"meet-profile-360-{language}")
    phone.get_by_label(words["offer"]).fill("Erfahrung mit Förderanträgen")
    phone.get_by_label("Wasserstoff").check()
    phone.get_by_label(words["consent"]).check()
    phone.get_by_role("button", name=words["join"]).click()
    expect(phone.get_by_text("Ben Błażej")).to_be_visible()
    phone.get_by_label(words["topics"]).select_option("Wasserstoff")
    phone.get_by_role("button", name=words["search"]).click()
    expect(phone.get_by_text("Ben Błażej")).to_be_hidden()
    phone.goto(f"{live_server}/events/{event.slug}/people?q=beratung")
    _looks_right(phone, f"meet-list-360-{language}")
    phone.get_by_text(words["ask"]).first.click()
    phone.get_by_label(words["message"]).fill("Kaffee in der Pause?")
    _looks_right(phone, f"meet-request-360-{language}")
    phone.get_by_role("button", name=words["ask"]).click()
    expect(phone.get_by_text(words["asked"])).to_be_visible()
    _looks_right(phone, f"meet-asked-360-{language}")

    other = _signed_in_phone(new_context, live_server, ben.user)
    other.goto(f"{live_server}/events/{event.slug}/people")
    expect(other.get_by_text("Kaffee in der Pause?")).to_be_visible()
    _looks_right(other, f"meet-answer-360-{language}")
    other.get_by_role("button", name=words["accept"]).click()
    expect(other.get_by_role("heading", name=words["meetings"])).to_be_visible()
    _looks_right(other, f"meet-accepted-360-{language}")
    assert "@" not in other.locator("main").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_ranking_form_on_a_phone(live_server, new_context, meeting, organiser, language):
    event, anna, _ben = meeting
    words = WORDS[language]
    allocation.save_settings(organiser, event, AllocationMode.RANKED, None)
    phone = _signed_in_phone(new_context, live_server, anna.user)
    phone.goto(f"{live_server}/events/{event.slug}/me")
    phone.get_by_role("link", name=words["rank"]).click()
    phone.get_by_label(words["first"]).select_option(label="Künstliche Intelligenz im Mittelstand")
    phone.get_by_label(words["second"]).select_option(label="Wasserstoff in der Region")
    _looks_right(phone, f"meet-ranking-360-{language}")
    phone.get_by_role("button", name=words["save"]).click()
    expect(phone.get_by_text(words["saved"])).to_be_visible()
    _looks_right(phone, f"meet-ranking-saved-360-{language}")
    db.session.rollback()  # read what the server committed
    assert [len(ranked) for ranked in allocation.rankings_of(anna.id).values()] == [2]
