"""Vote cards in a real browser: the desk hands out cards, three phones scan and vote, one
person votes online by link, the big screen counts four of four; the cards print on A4."""

import re

import pytest
from playwright.sync_api import expect

from eventapp.awards import cards
from eventapp.live import services as live

from .conftest import PHONE
from .test_accessibility import _sign_in_organiser, serious_violations
from .test_hybrid_meeting import _signed_in_phone, _vote

pytestmark = pytest.mark.slow
HALL = ("Anna Hall", "Ben Hall", "Cem Hall")


@pytest.fixture
def meeting(create_event, register, organiser):
    event = create_event(format="hybrid", venue="Berlin", finalists=3, sessions=())
    for name in HALL:
        register(event, name=name, email=f"{name.split()[0].lower()}@example.org",
                 attendance_mode="in_person")
    online = register(event, name="Olga Online", email="olga@example.org",
                      attendance_mode="online")
    return event, cards.create_cards(organiser, event, 8), online.user


def test_three_vote_with_cards_one_by_link_and_the_screen_counts_four(
        live_server, new_context, organiser, meeting, screenshot):
    event, printed, online = meeting
    desk = new_context().new_page()
    _sign_in_organiser(desk, live_server)
    for name in HALL:  # at the desk: check in, hand over a card
        desk.goto(f"{live_server}/organiser/events/{event.slug}/checkin?q={name}")
        desk.get_by_role("button", name=re.compile(f"Einchecken {name}")).click()
        desk.goto(f"{live_server}/organiser/events/{event.slug}/checkin?q={name}")
        desk.get_by_role("button", name=re.compile(f"Stimmkarte ausgegeben {name}")).click()
        expect(desk.locator(".alert-success")).to_contain_text(name)

    screen = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server}/screen/{event.slug}")
    live.open_vote(organiser, event, "ClusterERFOLG")

    for card in printed[:3]:  # the phone's camera opens the card's URL
        phone = new_context(viewport=PHONE).new_page()
        phone.goto(f"{live_server}/c/{cards.code_of(card).replace('-', '')}")
        expect(phone.get_by_text(f"Stimmkarte Nr. {card.number}")).to_be_visible()
        _vote(phone, "Netzwerk 1")
    screenshot(phone, "cards-01-phone-receipt")
    at_home = _signed_in_phone(new_context, live_server, online)
    at_home.goto(f"{live_server}/events/{event.slug}/vote")
    _vote(at_home, "Netzwerk 2")

    expect(screen.locator("[data-turnout-votes]")).to_have_text("4", timeout=15_000)
    expect(screen.locator(".stage-turnout")).to_contain_text("/ 4")
    screenshot(screen, "cards-02-screen")

    # The same card again: the page says it has voted.
    again = new_context(viewport=PHONE).new_page()
    again.goto(f"{live_server}/c/{cards.code_of(printed[0]).replace('-', '')}")
    expect(again.get_by_text(re.compile("Ihre Stimme wurde gezählt"))).to_be_visible()


def test_a_phone_without_a_card_or_sign_in_gets_both_ways_and_a_typed_code_works(
        live_server, new_context, organiser, meeting, screenshot):
    event, printed, _online = meeting
    live.open_vote(organiser, event, "ClusterERFOLG")
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"{live_server}/events/{event.slug}/vote")
    expect(phone.get_by_role("link", name="Persönlichen Link zusenden")).to_be_visible()
    assert serious_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "cards-03-vote-start")
    phone.get_by_label("Code auf Ihrer Stimmkarte").fill(
        cards.code_of(printed[5]).lower().replace("-", " "))
    phone.get_by_role("button", name="Zum Stimmzettel").click()
    _vote(phone, "Netzwerk 3")


def test_the_cards_print_on_a4(live_server, new_context, meeting, screenshot):
    event, _printed, _online = meeting
    page = new_context(viewport={"width": 794, "height": 1123}).new_page()  # A4 at 96 dpi
    _sign_in_organiser(page, live_server)
    page.goto(f"{live_server}/organiser/events/{event.slug}/vote-cards/sheet?first=1&last=8")
    expect(page.locator(".vote-card")).to_have_count(8)
    page.emulate_media(media="print")
    # Within A4's 10 mm margins, which every printer reaches (96 px to the inch).
    box = page.locator(".sheet").bounding_box()
    assert abs(box["width"] - 190 / 25.4 * 96) < 2 and abs(box["height"] - 277 / 25.4 * 96) < 2
    # Nothing on a card is cut off: the code fits beside the QR code, the card holds it all.
    assert page.evaluate("""() => [...document.querySelectorAll('.vote-card')].every(card =>
        card.scrollHeight <= card.clientHeight + 1 && card.scrollWidth <= card.clientWidth + 1
        && card.querySelector('.vote-card-code').getBoundingClientRect().right
           <= card.getBoundingClientRect().right)""")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # eight cards, one sheet
    screenshot(page, "cards-04-sheet")
