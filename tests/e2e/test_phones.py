"""Issue 35, item 8, on a phone (360 × 740): a compact signed-in header, outline buttons that
do not look disabled, "Stimme abgeben" that shows progress and takes one tap, and a field for
the vote card's code where a card holder opening the ballot by link is told to use it."""

import re

import pytest
from playwright.sync_api import expect

from eventapp.awards import cards
from eventapp.checkin.services import check_in, hand_out_card
from eventapp.live import services as live

from .test_hybrid_meeting import _signed_in_phone

pytestmark = pytest.mark.slow


@pytest.fixture
def meeting(create_event, register, organiser):
    event = create_event(format="hybrid", venue="Berlin", finalists=3)
    person = register(event, name="Pia Phone", email="pia@example.org",
                      attendance_mode="in_person")
    return event, person


def _contrast(page, selector: str, part: str) -> float:
    """The contrast of an element's text (`part` "color") or border ("border-top-color")
    against the page's white."""
    return page.eval_on_selector(selector, """(element, part) => {
        const rgb = getComputedStyle(element)[part].match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = rgb.map(c => { c /= 255; return c <= 0.03928 ? c / 12.92
                                                  : ((c + 0.055) / 1.055) ** 2.4; });
        const l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
        return 1.05 / (l + 0.05);
    }""", part)


def test_the_signed_in_header_is_compact_and_its_menu_opens(
        live_server, new_context, meeting, organiser, screenshot):
    event, person = meeting
    live.open_vote(organiser, event, "ClusterERFOLG")
    phone = _signed_in_phone(new_context, live_server, person.user)
    for path in (f"/events/{event.slug}/me", f"/events/{event.slug}/vote",
                 f"/events/{event.slug}/"):
        phone.goto(f"{live_server}{path}")
        height = phone.locator("header.site-header").bounding_box()["height"]
        assert height < 72, (path, height)
    screenshot(phone, "phones-01-header-closed")
    sign_out = phone.get_by_role("button", name="Ausloggen")
    expect(sign_out).to_be_hidden()
    phone.get_by_role("button", name="Menü").click()
    expect(sign_out).to_be_visible()
    expect(phone.get_by_role("link", name="Meine Anmeldungen")).to_be_visible()
    screenshot(phone, "phones-02-header-open")


def test_outline_buttons_do_not_look_disabled(live_server, new_context, meeting, organiser):
    event, person = meeting
    live.open_vote(organiser, event, "ClusterERFOLG")
    phone = _signed_in_phone(new_context, live_server, person.user)
    phone.goto(f"{live_server}/events/{event.slug}/me")
    calendar = "a:text('Mein Tag im Kalender')"
    assert _contrast(phone, calendar, "color") >= 7
    assert _contrast(phone, calendar, "borderTopColor") >= 4.5
    phone.goto(f"{live_server}/events/{event.slug}/vote")
    phone.get_by_label(re.compile("Netzwerk 1")).check()
    phone.get_by_role("button", name="Weiter").click()  # the check step, on the page itself
    expect(phone.get_by_role("button", name="Auswahl ändern")).to_be_visible()
    change = "button:text('Auswahl ändern')"
    assert _contrast(phone, change, "color") >= 7
    assert _contrast(phone, change, "borderTopColor") >= 4.5


def test_casting_the_vote_shows_progress_and_takes_one_tap(
        live_server, new_context, meeting, organiser, screenshot):
    event, person = meeting
    live.open_vote(organiser, event, "ClusterERFOLG")
    phone = _signed_in_phone(new_context, live_server, person.user)
    phone.goto(f"{live_server}/events/{event.slug}/vote")
    phone.get_by_label(re.compile("Netzwerk 2")).check()
    phone.get_by_role("button", name="Weiter").click()
    held, casts = [], []

    def hold_the_cast(route):  # a crowded hall network: the answer takes its time
        cast = re.search(r"confirmed=(1|y)\b", route.request.post_data or "")
        if route.request.method == "POST" and cast:
            casts.append(route.request)
            held.append(route)
        else:
            route.continue_()

    phone.route(re.compile(r".*/vote$"), hold_the_cast)
    # What the button looks like 30 ms after the tap, and a second tap 60 ms after it, noted
    # in the page itself: Playwright's own checks wait while a navigation is under way.
    phone.evaluate("""() => {
        const button = [...document.querySelectorAll("main form button")]
            .find(b => b.textContent.includes("Stimme abgeben"));
        button.form.addEventListener("submit", () => {
            setTimeout(() => sessionStorage.setItem("cast", JSON.stringify({
                disabled: button.disabled, busy: button.getAttribute("aria-busy"),
                text: button.textContent})), 30);
            setTimeout(() => button.click(), 60);
        });
    }""")
    phone.get_by_role("button", name="Stimme abgeben").click(no_wait_after=True)
    phone.wait_for_timeout(500)  # the answer is slow; meanwhile the second tap
    assert len(casts) == 1
    held[0].continue_()
    expect(phone.locator("#receipt")).to_be_visible()
    state = phone.evaluate("() => JSON.parse(sessionStorage.getItem('cast'))")
    assert state["disabled"] and state["busy"] == "true", state
    assert "Stimme wird abgegeben" in state["text"]
    assert len(casts) == 1


def test_a_card_holder_who_opens_the_ballot_by_link_can_type_the_cards_code(
        live_server, new_context, meeting, organiser, screenshot):
    event, person = meeting
    (card,) = cards.create_cards(organiser, event, 1)
    check_in(organiser, event, person)
    hand_out_card(organiser, event, person)
    live.open_vote(organiser, event, "ClusterERFOLG")
    phone = _signed_in_phone(new_context, live_server, person.user)
    phone.goto(f"{live_server}/events/{event.slug}/vote")
    expect(phone.get_by_text("Bitte stimmen Sie mit ihr ab")).to_be_visible()
    code = phone.get_by_label("Code auf Ihrer Stimmkarte")
    screenshot(phone, "phones-04-card-field")
    code.fill(cards.code_of(card).lower())
    code.press("Enter")
    expect(phone.get_by_text(f"Stimmkarte Nr. {card.number}")).to_be_visible()
    phone.get_by_label(re.compile("Netzwerk 3")).check()
    phone.get_by_role("button", name="Weiter").click()
    phone.get_by_role("button", name="Stimme abgeben").click()
    expect(phone.locator("#receipt")).to_be_visible()
