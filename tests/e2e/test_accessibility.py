"""What people see, in a real browser: axe-core finds no serious or critical problem on any
page in either language, no participant page scrolls sideways at 360 px, the big screen
fits 1920×1080 and 1280×720, and voting works with the keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.auth.services import issue_sign_in_token
from eventapp.awards.finalists import finalists_of
from eventapp.database import write_transaction
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.invitations import services as invitations
from eventapp.live import services as live
from eventapp.mailing.models import OutgoingMail
from eventapp.registration.services import registrations_for_event

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD, soon
from .conftest import PHONE, confirmation_link

pytestmark = pytest.mark.slow
PAST = "clustertreffen-2022"  # the demo's meeting of 2022, over, with its result
SLUG = "jahrestreffen-go-cluster"  # the demo's next meeting, open for registration
PUBLIC = ["/", "/hall-of-fame", f"/events/{SLUG}/", f"/events/{SLUG}/register",
          f"/events/{PAST}/", f"/events/{PAST}/results",
          "/auth/sign-in", "/auth/login", f"/events/{SLUG}/register/done", "/nowhere",
          "/networks/niro/", "/events/niro-netzwerkkonferenz/", f"/events/{PAST}/questions"]
PARTICIPANT = [f"/events/{SLUG}/me", f"/events/{SLUG}/vote", f"/events/{SLUG}/stage",
               f"/events/{SLUG}/me/ticket", f"/events/{SLUG}/questions",
               "/me/privacy"]
ORGANISER = ["/organiser/", "/organiser/events/new", f"/organiser/events/{SLUG}/",
             f"/organiser/events/{SLUG}/agenda/new", f"/organiser/events/{SLUG}/breakouts/new",
             f"/organiser/events/{SLUG}/finalists/new", f"/organiser/events/{SLUG}/registrations",
             f"/organiser/events/{SLUG}/live", f"/organiser/events/{SLUG}/checkin",
             f"/organiser/events/{SLUG}/dashboard", f"/organiser/events/{SLUG}/audit",
             f"/organiser/events/{SLUG}/message", f"/organiser/events/{SLUG}/guests",
             "/organiser/hall-of-fame/", "/organiser/hall-of-fame/new",
             f"/organiser/events/{SLUG}/polls/new", f"/organiser/events/{SLUG}/staff",
             "/organiser/networks/", "/organiser/networks/go-cluster/",
             f"/organiser/events/{PAST}/questions"]
axe = Axe()


def serious_violations(page) -> list[str]:
    # A page that polls (live.js) may swap its content right after loading; axe looks at it
    # once that first poll has settled, not at nodes being replaced under it.
    page.wait_for_load_state("networkidle")
    results = axe.run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]}"
            f" – {v['nodes'][0].get('failureSummary', '')})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def demo(runner, organiser):
    result = runner.invoke(args=["seed", "demo", "--participants", "6"])
    assert result.exit_code == 0, result.output
    event = get_event(SLUG)
    live.open_vote(organiser, event, "ClusterERFOLG 2022")
    return event


def _sign_in_participant(page, base, event):
    user = registrations_for_event(event)[0].user
    with write_transaction():
        token = issue_sign_in_token(user, soon(), single_use=False)
    page.goto(f"{base}/auth/link/{token}")


def _sign_in_organiser(page, base):
    page.goto(f"{base}/auth/login")
    page.fill("#email", ORGANISER_EMAIL)
    page.fill("#password", ORGANISER_PASSWORD)
    page.locator("main form [type=submit]").click()


def _switch_language(page, base, language):
    page.goto(f"{base}/")
    menu = page.locator(".navbar-toggler")
    if menu.is_visible():  # a phone: the switch is in the menu
        menu.click()
    page.select_option("#lang-select", language)
    page.locator("#lang-select ~ button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["de", "en"])
def test_pages_are_accessible_and_fit_a_phone(live_server, new_context, demo, language):
    problems = {}
    for who, urls in (("public", PUBLIC), ("participant", PARTICIPANT),
                      ("organiser", ORGANISER)):
        page = new_context(viewport=PHONE).new_page()
        _switch_language(page, live_server, language)
        if who == "participant":
            _sign_in_participant(page, live_server, demo)
        elif who == "organiser":
            _sign_in_organiser(page, live_server)
        for url in urls:
            page.goto(live_server + url)
            found = serious_violations(page)
            if who != "organiser" and sideways_scroll(page) > 0:
                found.append(f"scrolls sideways by {sideways_scroll(page)} px at 360 px")
            if found:
                problems[url] = found
    assert problems == {}, "\n".join(f"{u}: {p}" for u, p in problems.items())


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_big_screen_fills_the_wall_without_scrolling(live_server, new_context, demo, organiser,
                                                     size):
    page = new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    for show in (lambda: live.show_welcome(organiser, demo),
                 lambda: live.start_pitch(organiser, demo, finalists_of(demo)[0].id),
                 lambda: None,  # the vote, opened by the fixture
                 lambda: live.show_questions(organiser, demo)):
        show()
        page.goto(f"{live_server}/screen/{SLUG}")
        assert serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollHeight") <= size[1]
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_invitation_is_accessible_and_fits_a_phone(live_server, new_context, demo,
                                                       organiser, language):
    invitations.add_guests(organiser, demo, text=f"Vera VIP; vera@example.org; NIRO; VIP; "
                                                 f"{language}")
    invitations.send_invitations(organiser, demo)
    body = db.session.scalar(select(OutgoingMail.body_text)
                             .where(OutgoingMail.kind == "invitation"))
    link = re.search(r"/invitations/[\w-]+", body).group(0)
    page = new_context(viewport=PHONE).new_page()
    _switch_language(page, live_server, language)
    page.goto(live_server + link)
    assert serious_violations(page) == []
    assert sideways_scroll(page) <= 0
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(f"/events/{SLUG}/me$"))


def test_voting_with_the_keyboard_alone(live_server, new_context, demo):
    page = new_context(viewport=PHONE).new_page()
    _sign_in_participant(page, live_server, demo)
    page.goto(f"{live_server}/events/{SLUG}/vote")
    radio = page.locator("input[name=finalist]").first
    for _ in range(30):  # Tab through the header to the ballot, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "finalist":
            break
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")  # submits the form
    page.get_by_role("button", name="Stimme abgeben").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_be_visible()


def test_registering_with_the_keyboard_alone(live_server, new_context, demo, mailbox):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server}/events/{SLUG}/register")
    page.focus("#name")
    page.keyboard.type("Karla Tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("karla@example.org")
    for _ in range(40):  # on through organisation and breakouts to the consent box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "consent":
            break
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/events/{SLUG}/register/done")
    assert confirmation_link(mailbox, "karla@example.org")  # the mail leaves after the answer


# Elements of a page whose own text holds a number, short enough to fit one line of a phone,
# that the browser nevertheless breaks over two lines ("2" / "0", "Stimme" / "n").
BROKEN_NUMBERS = """() => {
  const broken = [];
  for (const element of document.querySelectorAll("main *")) {
    const text = element.textContent.trim();
    const ownDigits = [...element.childNodes].some(
      (node) => node.nodeType === Node.TEXT_NODE && /\\d/.test(node.textContent));
    if (!ownDigits || text.length > 24 || element.closest(".visually-hidden")) continue;
    const range = document.createRange();
    range.selectNodeContents(element);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                                                     .map((r) => Math.round(r.bottom)));
    if (lines.size > 1) broken.push(text);
  }
  return broken;
}"""


@pytest.fixture
def voted_demo(runner, organiser):
    result = runner.invoke(args=["seed", "demo"])  # 60 people, 20 seats a session
    assert result.exit_code == 0, result.output
    return get_event(PAST)  # its vote is over and revealed


def test_organiser_numbers_never_wrap_and_pages_fit_a_phone(live_server, new_context,
                                                            voted_demo, screenshot):
    page = new_context(viewport=PHONE).new_page()
    _sign_in_organiser(page, live_server)
    problems = {}
    for name in ("", f"events/{PAST}/dashboard", f"events/{PAST}/live",
                 f"events/{PAST}/audit"):
        page.goto(f"{live_server}/organiser/{name}")
        screenshot(page, "phone-" + (name.rsplit("/", 1)[-1] or "organiser"))
        found = [f"breaks {text!r}" for text in page.evaluate(BROKEN_NUMBERS)]
        if sideways_scroll(page) > 0:
            found.append(f"scrolls sideways by {sideways_scroll(page)} px at 360 px")
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{n}: {p}" for n, p in problems.items())


def test_the_big_screen_never_breaks_a_count(live_server, new_context, voted_demo, screenshot):
    """The result on a 1920 × 1080 screen: "12 Stimmen" on one line, beside a long name."""
    page = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{live_server}/screen/{PAST}")
    expect(page.locator(".stage-rank-votes").first).to_be_visible()
    screenshot(page, "screen-result")
    assert page.evaluate(BROKEN_NUMBERS) == []
    beyond_the_edge = page.evaluate("""() => [...document.querySelectorAll('.stage-rank-votes')]
        .filter((count) => count.getBoundingClientRect().right > window.innerWidth)
        .map((count) => count.textContent)""")
    assert beyond_the_edge == []
