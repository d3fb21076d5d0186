"""The live moments look right (issue 35): the stage page, the ballot, the event page with its
agenda, the big screen (welcome, agenda slide, pitch, a people-award's and a finalists'
vote, the reveal, the result, a question's vote and answers), the live control and the poll
editor, at 360×740, 1280×800 and 1920×1080, in German and English: no word broken across
lines, no text over text, nothing cut off (tests/e2e/layout.py), and on the big screen the
poll's title as a headline readable from the back of the hall.

One seeded meeting and one browser for the module; the show goes on from test to test in
the order of SHOW (each page's checks run in a fresh context of the size and language).
A screenshot of every page checked lands in tests/e2e/screenshots/layout-*.png.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from eventapp import create_app
from eventapp.auth.services import find_user_by_email, issue_sign_in_token
from eventapp.awards import polls, voting
from eventapp.awards.finalists import finalists_of
from eventapp.database import write_transaction
from eventapp.demo.seed import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    DEMO_PEOPLE,
    DEMO_QUESTION,
)
from eventapp.events.models import Event
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.services import registrations_for_event

from ..conftest import _empty_tables
from ..helpers import soon
from .conftest import serve
from .layout import font_size_of, layout_problems, save_screenshot

pytestmark = pytest.mark.slow
SLUG = "jahrestreffen-go-cluster"  # the demo's next meeting: its polls are drafts
SIZES = [(360, 740), (1280, 800), (1920, 1080)]
LANGUAGES = {"de": "de-DE", "en": "en-GB"}
# A finalists' award whose title is not the ClusterERFOLG (the screen once said it anyway).
AWARD = "Erfolgscluster 2019 – Publikumspreis"
PEOPLE_AWARD = "Clustermanager:in des Jahres (Beispiel)"

# The show, in its order: each step's pages as (who looks, the page).
SHOW = {
    "welcome": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
                ("organiser", "/organiser/events/{slug}/polls/{people}/edit")],
    "agenda": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
               ("visitor", "/events/{slug}/")],
    "pitch": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage")],
    "people-vote": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
                    ("participant", "/events/{slug}/vote"),
                    ("organiser", "/organiser/events/{slug}/live")],
    "award-vote": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
                   ("participant", "/events/{slug}/vote")],
    "reveal-start": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
                     ("organiser", "/organiser/events/{slug}/live")],
    "reveal": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage")],
    "result": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage"),
               ("organiser", "/organiser/events/{slug}/live")],
    "question-vote": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage")],
    "question-result": [("screen", "/screen/{slug}"), ("participant", "/events/{slug}/stage")],
}
# The poll whose title the big screen shows as its headline, per step.
TITLE = {"people-vote": PEOPLE_AWARD, "award-vote": AWARD, "reveal-start": AWARD,
         "reveal": AWARD, "result": AWARD, "question-vote": DEMO_QUESTION,
         "question-result": DEMO_QUESTION}


@pytest.fixture(scope="module")
def meeting(_schema, smtp_server, tmp_path_factory):
    """The demo meeting with six participants and the award `AWARD` set up beside the
    demo's polls; the app context stays for the module, the tables are emptied after."""
    host, port, _inbox = smtp_server
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": _schema,
        "RATELIMIT_ENABLED": False, "MAIL_SERVER": host, "MAIL_PORT": port,
        "MAIL_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
        "LIVE_STATE_CACHE_SECONDS": 0, "BALLOT_CACHE_SECONDS": 0,
        "EVENT_LANGUAGE_CACHE_SECONDS": 0})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed", "demo", "--participants", "6"])
        assert result.exit_code == 0, result.output
        event = get_event(SLUG)
        organiser = find_user_by_email(DEMO_ORGANISER_EMAIL)
        polls.create_poll(organiser, event, AWARD)
        with serve(app) as base_url:
            yield Show(base_url, event, organiser)
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


class Show:
    """The meeting's show, moved on step by step as the tests need it."""

    def __init__(self, base_url, event, organiser):
        self.base_url, self.event, self.organiser = base_url, event, organiser
        self.done = -1

    def poll(self, title):
        db.session.rollback()
        return next(poll for poll in polls.polls_of(self.event) if poll.title == title)

    def vote(self, poll, choices):
        # Not the first participant: the one who looks at the ballot has not voted yet.
        people = [entry.user for entry in registrations_for_event(self.event)][1:]
        for person, choice in zip(people, choices, strict=False):
            voting.cast_vote(poll, person, poll.candidates[choice].id)

    def speak(self, language: str) -> None:
        """Make the meeting's main language `language`."""
        db.session.rollback()
        with write_transaction(expire_on_commit=False):
            db.session.execute(update(Event).where(Event.id == self.event.id)
                               .values(language=language))

    def go_to(self, step: str) -> None:
        steps = list(SHOW)
        target = steps.index(step)
        assert target >= self.done, f"the show is past {step}: run the module in its order"
        for number in range(self.done + 1, target + 1):
            self._do(steps[number])
        self.done = target

    def _do(self, step):
        event, who = self.event, self.organiser
        db.session.rollback()
        if step == "welcome":
            live.show_welcome(who, event)
        elif step == "agenda":
            talk = max(event.agenda_items, key=lambda item: len(item.title))
            live.show_agenda_item(who, event, talk.id)
        elif step == "pitch":
            live.start_pitch(who, event, finalists_of(event)[0].id)
        elif step == "people-vote":
            poll = live.open_vote(who, event, poll_id=self.poll(PEOPLE_AWARD).id)
            self.vote(poll, [0, 1, 0])
        elif step == "award-vote":
            live.close_vote(who, event)
            poll = live.open_vote(who, event, poll_id=self.poll(AWARD).id)
            self.vote(poll, [0, 1, 2, 0])
        elif step == "reveal-start":
            live.close_vote(who, event)
            live.announce(who, event)
        elif step == "reveal":
            live.reveal_next(who, event)
        elif step == "result":
            for _ in range(3):
                live.reveal_next(who, event)
        elif step == "question-vote":
            poll = live.open_vote(who, event, poll_id=self.poll(DEMO_QUESTION).id)
            self.vote(poll, [0, 0, 1, 2])
        elif step == "question-result":
            live.close_vote(who, event)
            live.announce(who, event)
            live.reveal_next(who, event)


@pytest.fixture(scope="module")
def signed_in(meeting, browser):
    """The cookies of each reader (who, language): a participant, the organiser, a visitor
    and the screen. The language is the browser's (Accept-Language), never the switch."""
    states = {}
    participant = registrations_for_event(meeting.event)[0].user
    for language, locale in LANGUAGES.items():
        for who in ("visitor", "screen", "participant", "organiser"):
            context = browser.new_context(locale=locale)
            page = context.new_page()
            base = meeting.base_url
            if who == "participant":
                with write_transaction():
                    token = issue_sign_in_token(participant, soon(), single_use=False)
                page.goto(f"{base}/auth/link/{token}")
            elif who == "organiser":
                page.goto(f"{base}/auth/login")
                page.fill("#email", DEMO_ORGANISER_EMAIL)
                page.fill("#password", DEMO_ORGANISER_PASSWORD)
                page.locator("main form [type=submit]").click()
                expect(page).not_to_have_url(f"{base}/auth/login")
            states[who, language] = context.storage_state()
            context.close()
    return states


def _checks():
    for step, pages in SHOW.items():
        for who, url in pages:
            for width, height in SIZES:
                for language in LANGUAGES:
                    yield pytest.param(step, who, url, (width, height), language,
                                       id=f"{step}-{_page_name(url)}-{width}-{language}")


def _page_name(url: str) -> str:
    return {"/screen/{slug}": "screen", "/events/{slug}/stage": "stage",
            "/events/{slug}/vote": "ballot", "/events/{slug}/": "event",
            "/organiser/events/{slug}/live": "control",
            "/organiser/events/{slug}/polls/{people}/edit": "poll-editor"}[url]


@pytest.mark.parametrize(("step", "who", "url", "size", "language"), list(_checks()))
def test_the_page_looks_right(meeting, signed_in, browser, step, who, url, size, language):
    meeting.go_to(step)
    if who == "screen":  # the big screen speaks the meeting's language: a meeting in English
        meeting.speak(language)
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale=LANGUAGES[language],
                                  storage_state=signed_in[who, language])
    try:
        page = context.new_page()
        address = url.format(slug=SLUG, people=meeting.poll(PEOPLE_AWARD).id)
        response = page.goto(meeting.base_url + address)
        assert response.ok, f"{url}: {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        problems = layout_problems(page)
        save_screenshot(page, f"layout-{step}-{_page_name(url)}-{width}-{language}",
                        full_page=who != "screen")
        if who == "screen" and step in TITLE and width == 1920:
            size_px = font_size_of(page, TITLE[step])
            if size_px < 48:
                problems.append(f"the poll's title {TITLE[step]!r} is {size_px} px, not >= 48")
        problems += _content_problems(page, step, who, url)
        if url.endswith("/edit"):
            problems += _uneven_photo_cards(page)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def _content_problems(page, step, who, url) -> list[str]:
    """What the screen (and the stage page mirroring it) must show in this step."""
    if not (who == "screen" or url.endswith("/stage")):
        return []
    stage = page.locator("#stage")
    text = stage.inner_text()
    problems = []
    if "ClusterERFOLG" in text:
        problems.append(f"names the ClusterERFOLG though no poll is called so: {text!r}")
    if step == "people-vote":
        for name, role in DEMO_PEOPLE:
            if name not in text or role not in text:
                problems.append(f"the candidate {name} ({role}) is not on the screen")
        if stage.locator("img").count() < len(DEMO_PEOPLE):
            problems.append("the candidates' photos are not on the screen")
    if step == "award-vote":
        for finalist in finalists_of(get_event(SLUG)):
            if finalist.organisation not in text:
                problems.append(f"the finalist {finalist.organisation} is not on the screen")
    if step in ("people-vote", "award-vote") and who == "participant":
        ballot = page.locator(f"a[href$='/events/{SLUG}/vote']").first
        if not ballot.is_visible():
            problems.append("the stage page has no visible link to the ballot during the vote")
    return problems



def _uneven_photo_cards(page) -> list[str]:
    """The people's photo cards of the poll editor: the same size, photo and form at the same
    place in each, so that they read as a grid."""
    cards = page.evaluate("""() => [...document.querySelectorAll('#photos ~ ul > li')]
      .map((card) => {
        const box = (element) => { const r = element.getBoundingClientRect();
                                   return [Math.round(r.left - card.getBoundingClientRect().left),
                                           Math.round(r.top - card.getBoundingClientRect().top),
                                           Math.round(r.width), Math.round(r.height)]; };
        return {card: box(card).slice(2, 3), photo: box(card.querySelector('.person-photo')),
                form: box(card.querySelector('form')).slice(0, 3)}; })""")
    if len(cards) != len(DEMO_PEOPLE):
        return [f"the poll editor shows {len(cards)} photo cards, not {len(DEMO_PEOPLE)}"]
    problems = []
    for part in ("card", "photo", "form"):
        if len({str(card[part]) for card in cards}) > 1:
            problems.append(f"the photo cards' {part}s differ: {[card[part] for card in cards]}")
    return problems
