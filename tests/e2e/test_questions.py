"""Audience questions: a phone (360 × 740) asks and upvotes, and the big screen (1920 × 1080)
shows the question as it comes, with the layout checks of the live moments."""

import pytest
from playwright.sync_api import expect

from eventapp.live import services as live
from eventapp.questions import services as questions
from eventapp.questions.models import Naming

from .layout import layout_problems, save_screenshot
from .test_hybrid_meeting import _signed_in_phone

pytestmark = pytest.mark.slow

QUESTION = "Wie halten Cluster ihr Wissen, wenn erfahrene Fachkräfte in Rente gehen?"


def test_a_phone_asks_and_upvotes_and_the_big_screen_shows_it(
        live_server, new_context, create_event, register, organiser):
    event = create_event(sessions=())
    anna = register(event, name="Anna Andersson")
    questions.save_settings(organiser, event, open=True, moderated=False,
                            naming=Naming.NAMED_OR_ANONYMOUS)
    live.show_questions(organiser, event)
    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")
    expect(screen.get_by_text("Stellen Sie Ihre Frage auf Ihrem Handy.")).to_be_visible()

    phone = _signed_in_phone(new_context, live_server, anna.user)
    phone.goto(f"{live_server}/events/{event.slug}/questions")
    phone.get_by_label("Ihre Frage").fill(QUESTION)
    phone.get_by_label("Ihr Name", exact=True).fill("Anna Andersson")
    phone.get_by_role("button", name="Fragen", exact=True).click()
    expect(phone.get_by_text("Danke: Ihre Frage wird gezeigt.")).to_be_visible()
    phone.get_by_role("button", name="Unterstützen, bisher 0").click()
    expect(phone.get_by_text("1 Stimme")).to_be_visible()
    assert layout_problems(phone) == []
    save_screenshot(phone, "questions-phone-360-de")

    expect(screen.get_by_text(QUESTION)).to_be_visible(timeout=15_000)
    expect(screen.locator(".stage-question-votes")).to_have_text("▲ 1")
    expect(screen.get_by_text("Anna Andersson")).to_be_visible()
    assert layout_problems(screen) == []
    save_screenshot(screen, "questions-screen-1920-de", full_page=False)
