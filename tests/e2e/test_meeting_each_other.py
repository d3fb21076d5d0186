"""Issue 38 on a phone (360 × 740): the list of participants with its search, a meeting
request answered by the other, and the ranking form of ranked breakout choices."""

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


def test_list_request_and_answer_on_a_phone(live_server, new_context, meeting):
    event, anna, ben = meeting
    phone = _signed_in_phone(new_context, live_server, anna.user)
    phone.goto(f"{live_server}/events/{event.slug}/people")
    # Not on the list yet: first the opt-in.
    phone.get_by_label("Was ich biete").fill("Erfahrung mit Förderanträgen")
    phone.get_by_label("Wasserstoff").check()
    phone.get_by_label("Meinen Namen, meine Organisation").check()
    phone.get_by_role("button", name="Mich in der Liste zeigen").click()
    expect(phone.get_by_text("Ben Błażej")).to_be_visible()
    phone.get_by_label("Themen").select_option("Wasserstoff")
    phone.get_by_role("button", name="Suchen").click()
    expect(phone.get_by_text("Ben Błażej")).to_be_hidden()
    phone.goto(f"{live_server}/events/{event.slug}/people?q=beratung")
    assert layout_problems(phone) == []
    save_screenshot(phone, "meet-list-360-de")
    phone.get_by_text("Um ein Treffen bitten").first.click()
    phone.get_by_label("Eine kurze Nachricht").fill("Kaffee in der Pause?")
    phone.get_by_role("button", name="Um ein Treffen bitten").click()
    expect(phone.get_by_text("Sie haben um ein Treffen gebeten.")).to_be_visible()

    other = _signed_in_phone(new_context, live_server, ben.user)
    other.goto(f"{live_server}/events/{event.slug}/people")
    expect(other.get_by_text("Kaffee in der Pause?")).to_be_visible()
    other.get_by_role("button", name="Annehmen").click()
    expect(other.get_by_role("heading", name="Ihre Treffen")).to_be_visible()
    assert "@" not in other.locator("main").inner_text()


def test_ranking_form_on_a_phone(live_server, new_context, meeting, organiser):
    event, anna, _ben = meeting
    allocation.save_settings(organiser, event, AllocationMode.RANKED, None)
    phone = _signed_in_phone(new_context, live_server, anna.user)
    phone.goto(f"{live_server}/events/{event.slug}/me")
    phone.get_by_role("link", name="Breakout-Sessions bewerten").click()
    phone.get_by_label("Erster Wunsch").select_option(label="Künstliche Intelligenz im Mittelstand")
    phone.get_by_label("Zweiter Wunsch").select_option(label="Wasserstoff in der Region")
    assert layout_problems(phone) == []
    save_screenshot(phone, "meet-ranking-360-de")
    phone.get_by_role("button", name="Meine Rangfolge speichern").click()
    expect(phone.get_by_text("Ihre Rangfolge ist gespeichert.")).to_be_visible()
    db.session.rollback()  # read what the server committed
    assert [len(ranked) for ranked in allocation.rankings_of(anna.id).values()] == [2]
