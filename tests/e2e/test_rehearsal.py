"""The dress rehearsal in two real browsers (issue 39, item 1): a phone at 360 px scans the big
screen's code at 1920 px, waits, sees the practice question open, answers; both report their
timings, the summary counts them, and ending the rehearsal leaves every table as it was."""

import time

import pytest
from playwright.sync_api import expect

from eventapp.live import services as live
from eventapp.rehearsal import services as rehearsals

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD, every_row
from .conftest import PHONE
from .layout import layout_problems
from .test_accessibility import serious_violations

pytestmark = pytest.mark.slow
SCREEN = {"width": 1920, "height": 1080}


def _summary_when(event, ready, timeout: float = 20.0):
    """The summary once `ready(summary)` holds (the pages report in their own time)."""
    deadline = time.monotonic() + timeout
    while True:
        every_row()  # a fresh read: the server's commits
        summary = rehearsals.summary(event)
        if ready(summary) or time.monotonic() > deadline:
            return summary
        time.sleep(0.2)


def test_a_phone_and_the_screen_rehearse_and_leave_no_trace(
        live_server, new_context, organiser, create_event, register):
    event = create_event(finalists=3, format="in_person", venue="Saal 1")
    register(event)
    live.show_welcome(organiser, event)
    before = every_row("live.rehearsal")
    live.start_rehearsal(organiser, event)

    screen = new_context(viewport=SCREEN).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")
    expect(screen.get_by_text("Probe: Die Übungsfrage öffnet gleich")).to_be_visible()
    assert layout_problems(screen) == []
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"{live_server}/events/{event.slug}/rehearsal")  # what the QR code leads to
    expect(phone.get_by_text("Die Übungsfrage öffnet gleich")).to_be_visible()
    assert layout_problems(phone) == []

    live.open_rehearsal_question(organiser, event)
    expect(phone.get_by_label("Schlecht")).to_be_visible(timeout=15_000)
    expect(screen.get_by_text("Probe: Übungsfrage offen")).to_be_visible(timeout=15_000)
    assert layout_problems(phone) == []
    phone.get_by_label("Schlecht").check()
    phone.get_by_role("button", name="Übungsantwort senden").click()
    expect(phone.get_by_text("Danke: Dieses Handy ist bereit")).to_be_visible()

    summary = _summary_when(event, lambda s: s.votes and s.screens)
    assert (summary.phones, summary.in_time, summary.seen, summary.votes, summary.screens,
            summary.poorly) == (1, 1, 1, 1, 1, 1)
    assert summary.screen_in_time and summary.go
    assert serious_violations(phone) == []
    control = new_context(viewport=PHONE).new_page()  # the organiser's remote
    control.goto(f"{live_server}/auth/login")
    control.fill("#email", ORGANISER_EMAIL)
    control.fill("#password", ORGANISER_PASSWORD)
    control.locator("main form [type=submit]").click()
    control.goto(f"{live_server}/organiser/events/{event.slug}/live")
    expect(control.locator("#rehearsal-verdict")).to_have_text("Es kann losgehen")
    expect(control.locator("#rehearsal-figures")).to_contain_text(
        "1 von 1 Handy hatte den Stimmzettel innerhalb von 5 s.")
    assert layout_problems(control) == []
    assert serious_violations(control) == []

    live.end_rehearsal(organiser, event)
    expect(phone.get_by_text("Die Probe ist beendet.")).to_be_visible(timeout=15_000)
    expect(screen.get_by_text("Willkommen")).to_be_visible(timeout=15_000)
    assert every_row("live.rehearsal") == before
