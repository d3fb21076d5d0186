"""Issue 37 in a browser: participants answer a word cloud on a phone (360 × 740) and it
appears on the big screen (1920 × 1080), in German and in English; the feedback survey on a
phone; with the layout checks of the live moments (tests/e2e/layout.py)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventapp.auth.services import issue_sign_in_token
from eventapp.database import utcnow, write_transaction
from eventapp.feedback import services as feedback
from eventapp.live import services as live
from eventapp.wordcloud import services as clouds

from ..helpers import soon
from .layout import layout_problems, save_screenshot
from .test_hybrid_meeting import PHONE

pytestmark = pytest.mark.slow
LOCALES = {"de": "de-DE", "en": "en-GB"}
WORDING = {  # the phone's labels and the screen's words, per language
    "de": ("Wort", "Zweites Wort", "Senden", "Sie haben geantwortet."),
    "en": ("Word", "Second word", "Send", "You have answered."),
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_answers_from_a_phone_appear_in_the_cloud_on_the_screen(
        live_server, browser, new_context, create_event, register, organiser, language):
    event = create_event(sessions=(), language=language)
    question = {"de": "Was bedeutet Transformation für Ihr Cluster?",
                "en": "What does transformation mean for your cluster?"}[language]
    cloud = clouds.create_cloud(organiser, event, question, 2)
    clouds.open_cloud(organiser, cloud)
    live.show_word_cloud(organiser, event, cloud.id)
    # Nine answered already; the phone's is the tenth, which completes a batch
    # (BALLOT_MIX_BATCH) and brings all ten onto the screen.
    for number in range(9):
        clouds.answer(register(event), cloud.id, (["Nachhaltigkeit", "Wandel"], [
            "Kreislaufwirtschaft"], ["Mut", "Wandel"])[number % 3])
    second = register(event)

    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")
    expect(screen.get_by_role("heading", name=question)).to_be_visible()

    word, second_word, send, thanks = WORDING[language]
    phone = browser.new_context(viewport=PHONE, locale=LOCALES[language]).new_page()
    with write_transaction():
        token = issue_sign_in_token(second.user, soon(), single_use=False)
    phone.goto(f"{live_server}/auth/link/{token}")
    phone.goto(f"{live_server}/events/{event.slug}/cloud")
    expect(phone.get_by_role("heading", name=question)).to_be_visible()
    assert layout_problems(phone) == []
    save_screenshot(phone, f"cloud-answer-360-{language}")
    phone.get_by_label(word, exact=True).fill("Digitalisierung")
    phone.get_by_label(second_word).fill("Nachhaltigkeit")
    phone.get_by_role("button", name=send).click()
    expect(phone.get_by_text(thanks)).to_be_visible()

    # The screen, polling, draws the words of all ten.
    expect(screen.locator("svg.word-cloud text", has_text="Digitalisierung")).to_be_visible(
        timeout=10_000)
    expect(screen.locator("svg.word-cloud text")).to_have_count(5)
    save_screenshot(screen, f"cloud-screen-1920-{language}", full_page=False)
    assert layout_problems(screen) == []
    # Online, the stage page shows the same cloud, laid out for the phone.
    phone.goto(f"{live_server}/events/{event.slug}/stage")
    expect(phone.locator("svg.word-cloud text")).to_have_count(5)
    save_screenshot(phone, f"cloud-stage-360-{language}")
    assert layout_problems(phone) == []
    phone.context.close()


def test_the_feedback_survey_on_a_phone(live_server, new_context, create_event, organiser):
    """Issue 37, item 3: the survey behind a mailed link, answered at 360 px (German)."""
    event = create_event(starts_at=utcnow() - timedelta(days=1))
    feedback.save_survey(organiser, event, "Was war gut?", "Was sollten wir besser machen?",
                         14, False)
    feedback.send_survey(organiser, event)
    (link,) = feedback.issue_links(event, 1)
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"{live_server}/feedback/{link}")
    phone.get_by_role("group", name="Das Treffen insgesamt").get_by_label("4").check()
    phone.get_by_label("Was war gut?").fill("Die Breakouts")
    assert layout_problems(phone) == []
    save_screenshot(phone, "feedback-answer-360-de")
    phone.get_by_role("button", name="Feedback senden").click()
    expect(phone.get_by_text("Ihr Feedback ist gespeichert")).to_be_visible()
