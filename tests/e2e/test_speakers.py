"""Issue 38, item 4 on a phone (360 × 740), in German and English: a meeting of two days
whose agenda is grouped by day, with rooms and speakers linked to their pages, and a
speaker's page with photo, bio and where they speak; no broken words, no overlap, nothing
cut off (tests/e2e/layout.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from eventapp.breakouts import services as breakouts
from eventapp.events import services as events
from eventapp.speakers import services as speakers

from ..helpers import image_bytes
from .conftest import PHONE
from .layout import layout_problems, save_screenshot

pytestmark = pytest.mark.slow
STARTS = datetime(2027, 10, 20, 8, 0, tzinfo=UTC)  # 10:00 in Berlin
DAYS = {"de": ("Mittwoch, 20. Oktober 2027", "Donnerstag, 21. Oktober 2027"),
        "en": ("Wednesday, October 20, 2027", "Thursday, October 21, 2027")}
MORE = {"de": "Mehr über Dr. Friedrich Dornbusch", "en": "More about Dr. Friedrich Dornbusch"}
IN_THE_AGENDA = {"de": "Im Programm", "en": "In the agenda"}


@pytest.fixture
def meeting(create_event, organiser):
    event = create_event(format="in_person", venue="Kongresshalle am Zoo, Leipzig",
                         online_link="", sessions=(), starts_at=STARTS,
                         ends_at=STARTS + timedelta(days=1, hours=4))
    keynote = events.add_agenda_item(
        organiser, event, starts_at=STARTS + timedelta(minutes=15),
        ends_at=STARTS + timedelta(minutes=45), kind="talk",
        title="Impulsvortrag: Wissen als Kernressource für gelingende Transformation",
        speaker="", affiliation="", room="Großer Saal")
    slot = events.add_agenda_item(
        organiser, event, starts_at=STARTS + timedelta(days=1),
        ends_at=STARTS + timedelta(days=1, hours=2), kind="breakouts",
        title="Werkstätten", speaker="", affiliation="", room="Erdgeschoss")
    breakouts.add_session(organiser, slot, title="Wertschöpfungsketten neu denken",
                          description="", host="", capacity=20, room="Raum 2.01")
    speakers.save_speaker(
        organiser, event, name="Dr. Friedrich Dornbusch", role="Abteilungsleiter",
        organisation="Fraunhofer-Zentrum für Internationales Management und "
                     "Wissensökonomie IMW",
        bio="Forscht zu Wissens- und Technologietransfer in regionalen "
            "Innovationssystemen.\nSpricht über Wissen als Kernressource.",
        link="https://www.imw.fraunhofer.de/", agenda_item_ids=[keynote.id],
        photo=image_bytes(size=(400, 400)))
    return event


@pytest.mark.parametrize("language", ["de", "en"])
def test_day_by_day_agenda_and_speaker_page_on_a_phone(live_server, browser, meeting,
                                                       language):
    # The browser's language (Accept-Language) chooses the page's.
    phone = browser.new_context(viewport=PHONE, locale={"de": "de-DE", "en": "en-GB"}[language])
    try:
        _agenda_and_speaker(phone.new_page(), live_server, meeting, language)
    finally:
        phone.close()


def _agenda_and_speaker(page, live_server, meeting, language):
    page.goto(f"{live_server}/events/{meeting.slug}/")
    first, second = DAYS[language]
    expect(page.get_by_role("heading", name=first)).to_be_visible()
    expect(page.get_by_role("heading", name=second)).to_be_visible()
    expect(page.get_by_text("Großer Saal")).to_be_visible()
    expect(page.get_by_text("Raum 2.01")).to_be_visible()
    assert layout_problems(page) == []
    save_screenshot(page, f"speakers-agenda-360-{language}")

    page.get_by_role("link", name="Dr. Friedrich Dornbusch").click()
    expect(page.get_by_role("heading", name="Dr. Friedrich Dornbusch")).to_be_visible()
    expect(page.get_by_role("heading", name=IN_THE_AGENDA[language])).to_be_visible()
    expect(page.get_by_role("link", name=MORE[language])).to_be_visible()
    photo = page.locator("img.speaker-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    assert layout_problems(page) == []
    save_screenshot(page, f"speakers-speaker-360-{language}")
