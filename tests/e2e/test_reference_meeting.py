"""The go-cluster meeting of 20 October 2022, from an empty database, through the UI only.

An organiser builds and publishes the meeting, three people register (one lands on the
waitlist of the small breakout), confirm with the link from their mail (it signs them in),
choose breakouts and vote on a phone while a fourth browser shows the big screen.
"""

import io
import re
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import expect

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD
from .conftest import PHONE, confirmation_link

DAY = date(date.today().year + 1, 10, 20).isoformat()
SLUG = "clustertreffen-2022"
AGENDA = [
    ("Eröffnung", "opening", "10:00", "10:15", "Dr. Ole Janssen", "BMWK"),
    ("Impulsvortrag", "talk", "10:15", "10:45", "Dr. Friedrich Dornbusch", "Fraunhofer IMW"),
    ("Breakout-Sessions", "breakouts", "10:50", "11:50", "", ""),
    ("Pitches der Finalisten", "pitches", "12:20", "12:35", "", ""),
]
BREAKOUTS = [("Weiterbildung etablieren und Fachkräfte sichern", 2),
             ("Wertschöpfungsketten neu denken und nachhaltig Wirtschaften", 20),
             ("Neue Geschäfts- und Erlösmodelle entwickeln", 20)]
FINALISTS = [("Netzwerk Industrie RuhrOst e. V. (NIRO)", "Nachhaltigkeit ins Netzwerk bringen"),
             ("Cluster Nord", "Digitale Lieferketten"),
             ("Netzwerk Süd", "Fachkräfte gewinnen")]
PEOPLE = [("Anna Schmidt", "anna@example.org"), ("Ben Yilmaz", "ben@example.org"),
          ("Clara Becker", "clara@example.org")]

pytestmark = pytest.mark.slow


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "#38761d").save(out, format="PNG")
    return out.getvalue()


def _submit(page):
    page.locator("main form[method=post] [type=submit]").last.click()


def build_the_meeting(page, base):
    page.goto(f"{base}/auth/login")
    page.fill("#email", ORGANISER_EMAIL)
    page.fill("#password", ORGANISER_PASSWORD)
    _submit(page)
    page.goto(f"{base}/organiser/events/new")
    page.fill("#title", "Jahrestreffen go-cluster 2022")
    page.fill("#slug", SLUG)
    page.fill("#motto", "Transformation der Industrie")
    page.fill("#starts_at", f"{DAY}T10:00")
    page.fill("#ends_at", f"{DAY}T13:10")
    page.select_option("#format", "online")
    page.fill("#online_link", "https://meet.example.org/go-cluster")
    _submit(page)
    expect(page).to_have_url(re.compile(f"/organiser/events/{SLUG}/$"))

    for title, kind, start, end, speaker, affiliation in AGENDA:
        page.goto(f"{base}/organiser/events/{SLUG}/agenda/new")
        page.fill("#title", title)
        page.select_option("#kind", kind)
        page.fill("#starts_at", f"{DAY}T{start}")
        page.fill("#ends_at", f"{DAY}T{end}")
        page.fill("#speaker", speaker)
        page.fill("#affiliation", affiliation)
        _submit(page)
        expect(page.locator(".alert-success")).to_be_visible()

    for title, seats in BREAKOUTS:
        page.goto(f"{base}/organiser/events/{SLUG}/breakouts/new")
        page.select_option("#slot_id", label="Breakout-Sessions")
        page.fill("#title", title)
        page.fill("#capacity", str(seats))
        _submit(page)
        expect(page.locator(".alert-success")).to_be_visible()

    for order, (organisation, project) in enumerate(FINALISTS, start=1):
        page.goto(f"{base}/organiser/events/{SLUG}/finalists/new")
        page.fill("#organisation", organisation)
        page.fill("#project_title", project)
        page.fill("#pitch_order", str(order))
        if order == 1:
            page.set_input_files("#logo", files=[{"name": "niro.png", "mimeType": "image/png",
                                                  "buffer": _logo()}])
        _submit(page)
        expect(page.locator(".alert-success")).to_be_visible()

    page.select_option("#status", "published")
    page.locator("form[action$='/status'] [type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def register(page, base, mailbox, name, email):
    page.goto(f"{base}/events/{SLUG}/register")
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#organisation", "Netzwerk Nord")
    page.get_by_label(BREAKOUTS[0][0]).check()
    page.check("#consent")
    _submit(page)
    expect(page).to_have_url(re.compile("/register/done"))
    page.goto(confirmation_link(mailbox, email))  # confirms and signs in
    expect(page).to_have_url(re.compile("/me$"))


def vote(page, base, finalist) -> str:
    page.goto(f"{base}/events/{SLUG}/vote")
    page.get_by_label(re.compile(re.escape(finalist))).check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Stimme abgeben").click()  # the confirm step, on the page
    receipt = page.locator("#receipt")
    expect(receipt).to_be_visible()
    return receipt.inner_text()


def test_reference_meeting_from_empty_database(live_server, new_context, organiser, mailbox,
                                              screenshot):
    base = live_server
    orga = new_context().new_page()
    build_the_meeting(orga, base)
    screenshot(orga, "01-organiser-event")

    phones = [new_context(viewport=PHONE).new_page() for _ in PEOPLE]
    for phone, (name, email) in zip(phones, PEOPLE, strict=True):
        register(phone, base, mailbox, name, email)

    # Two seats in the small breakout: the third person is on its waitlist and moves.
    third = phones[2]
    third.goto(f"{base}/events/{SLUG}/me")
    expect(third.get_by_text(re.compile("Warteliste")).first).to_be_visible()
    screenshot(third, "02-participant-waitlist")
    third.get_by_label(re.compile(BREAKOUTS[2][0])).check()
    third.locator("form[action$='/me/breakouts'] [type=submit]").click()
    expect(third.locator(".alert-success")).to_be_visible()

    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{base}/screen/{SLUG}")
    expect(screen.locator(".stage-qr svg")).to_be_visible()
    screenshot(screen, "03-screen-welcome")

    # Phones wait on the ballot page; it notices by itself when voting opens.
    for phone in phones:
        phone.goto(f"{base}/events/{SLUG}/vote")
    orga.goto(f"{base}/organiser/events/{SLUG}/live")
    orga.locator("form[action$='/live/open'] [type=submit]").click()
    expect(orga.locator("[data-turnout-votes]")).to_have_text("0")
    # Every phone reloads by itself, after a random pause of up to 2 s; a vote begun before
    # its phone has reloaded would be cut off by that reload.
    for phone in phones:
        expect(phone.locator("input[name=finalist]").first).to_be_visible(timeout=15_000)
    screenshot(phones[0], "04-phone-ballot")

    receipts = [vote(phone, base, FINALISTS[0][0] if i < 2 else FINALISTS[1][0])
                for i, phone in enumerate(phones)]
    screenshot(phones[0], "05-phone-receipt")
    expect(screen.locator("[data-turnout-votes]")).to_have_text("3", timeout=15_000)
    expect(screen.locator(".stage-turnout")).to_contain_text("/ 3")
    screenshot(screen, "06-screen-voting")

    orga.goto(f"{base}/organiser/events/{SLUG}/live")
    orga.locator("form[action$='/live/close'] [type=submit]").click()
    orga.locator("form[action$='/live/announce'] [type=submit]").click()
    early = new_context().new_page()
    assert early.goto(f"{base}/events/{SLUG}/results").status == 404  # not before the reveal
    for _place in FINALISTS:
        orga.locator("form[action$='/live/reveal'] [type=submit]").click()
    expect(screen.locator(".stage-winner")).to_contain_text(FINALISTS[0][0], timeout=15_000)
    screenshot(screen, "07-screen-winner")

    results = new_context().new_page()
    results.goto(f"{base}/events/{SLUG}/results")
    for receipt in receipts:
        expect(results.get_by_text(receipt)).to_be_attached()
    expect(results.locator(".results-winner")).to_contain_text(FINALISTS[0][0])
    screenshot(results, "08-results")
