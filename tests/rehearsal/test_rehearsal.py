"""The dress rehearsal (issue 39, item 1): twenty phones over HTTP, the live control's summary,
and no trace of it in the database once it has ended."""

import re

import pytest
from sqlalchemy import select

from eventapp.audit.models import AuditLog
from eventapp.awards import polls
from eventapp.awards.finalists import finalists_of
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.rehearsal import services as rehearsals
from eventapp.rehearsal.models import Advice

from ..helpers import assert_valid_html, every_row

PHONE_ID = re.compile(r'name="phone" type="hidden" value="([\w-]+)"')
# Twenty phones: seventeen have the ballot within 5 s, three take 12, 15 and 20 s.
BALLOT_MS = [800 + 150 * n for n in range(17)] + [12_000, 15_000, 20_000]


@pytest.fixture
def hall(app, organiser, create_event, register):
    """A meeting in the middle of its show: people registered, a poll prepared, a pitch on."""
    event = create_event(finalists=3)
    for _ in range(3):
        register(event)
    polls.create_poll(organiser, event, "ClusterERFOLG")
    live.start_pitch(organiser, event, finalists_of(event)[0].id)
    return event


def _control(orga, event, action: str):
    return orga.post(f"/organiser/events/{event.slug}/live/{action}", data={})


def _phone(app, event) -> tuple:
    """A phone that scanned the code: its own client (cookie, CSRF token) and its page's id."""
    phone = app.test_client()
    page = phone.get(f"/events/{event.slug}/rehearsal")
    assert page.status_code == 200
    return phone, PHONE_ID.search(page.get_data(as_text=True)).group(1)


def _report(client, event, **fields):
    return client.post(f"/events/{event.slug}/rehearsal/report", data=fields)


def test_twenty_phones_give_the_summary_and_the_rehearsal_leaves_no_trace(app, orga, hall):
    before = every_row("live.rehearsal")
    state_before = app.test_client().get(f"/live/{hall.slug}/state").get_json()
    assert _control(orga, hall, "rehearsal").status_code == 303

    stage = app.test_client().get(f"/screen/{hall.slug}/stage").get_data(as_text=True)
    assert "How well can you see the big screen" in stage or "Wie gut sehen Sie" in stage
    assert f"/events/{hall.slug}/rehearsal" in stage.replace("<wbr>", "")  # the QR's address
    assert app.test_client().get(f"/live/{hall.slug}/show").get_json()["rehearsal"] == {
        "open": False}

    phones = [_phone(app, hall) for _ in BALLOT_MS]
    assert len({token for _client, token in phones}) == 20
    for (client, token), ballot_ms in zip(phones, BALLOT_MS, strict=True):
        assert _report(client, hall, phone=token, ballot_ms=ballot_ms).status_code == 204
    early = phones[0][0].post(f"/events/{hall.slug}/rehearsal/answer",
                              data={"phone": phones[0][1], "answer": "well"})
    assert early.status_code == 409  # not open yet
    screen = app.test_client()
    screen.get(f"/screen/{hall.slug}")

    assert _control(orga, hall, "rehearsal_open").status_code == 303
    assert app.test_client().get(f"/live/{hall.slug}/state").get_json()["rehearsal"] == {
        "open": True}
    assert _report(screen, hall, phone="s" * 32, kind="screen", seen="y").status_code == 204
    for number, (client, token) in enumerate(phones):
        assert _report(client, hall, phone=token, seen="y").status_code == 204
        answer = client.post(f"/events/{hall.slug}/rehearsal/answer",
                             data={"phone": token, "answer": "poorly" if number < 2 else "well"},
                             headers={"Accept": "application/json"})
        assert answer.status_code == 204
        assert _report(client, hall, phone=token, vote_ms=300 + number).status_code == 204

    summary = rehearsals.summary(hall)
    assert (summary.phones, summary.in_time, summary.slow_ms) == (20, 17, [12_000, 15_000,
                                                                           20_000])
    assert (summary.votes, summary.seen, summary.screens, summary.poorly) == (20, 20, 1, 2)
    assert summary.vote_max_ms == 319 and summary.struggled == 3
    assert summary.screen_in_time and not summary.go  # 85 % of the phones in time
    assert summary.advice == [Advice.VOTE_CARDS, Advice.WIFI, Advice.BIGGER_QR]
    page = orga.get(f"/organiser/events/{hall.slug}/live",
                    headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "17 of 20 phones had the ballot within 5 s." in page
    assert "The slowest 3 took 12.0–20.0 s." in page
    assert "Print 3 vote cards for the phones that struggled." in page
    assert "No go yet" in page
    assert polls.polls_of(hall)[0].votes_cast == 0  # the practice question is no poll

    assert _control(orga, hall, "rehearsal_end").status_code == 303
    assert every_row("live.rehearsal") == before
    assert app.test_client().get(f"/live/{hall.slug}/state").get_json() == state_before | {
        "tag": state_before["tag"]}
    actions = db.session.scalars(select(AuditLog).where(AuditLog.action.startswith(
        "live.rehearsal")).order_by(AuditLog.id)).all()
    assert [(entry.action, entry.details) for entry in actions] == [
        ("live.rehearsal", {}), ("live.rehearsal_open", {}), ("live.rehearsal_end", {})]
    assert phones[0][0].get(f"/events/{hall.slug}/rehearsal").status_code == 404


def test_the_summary_speaks_german(app, orga, hall):
    _control(orga, hall, "rehearsal")
    client, token = _phone(app, hall)
    _report(client, hall, phone=token, ballot_ms=900)
    _control(orga, hall, "rehearsal_open")
    page = orga.get(f"/organiser/events/{hall.slug}/live",
                    headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "1 von 1 Handy hatte den Stimmzettel innerhalb von 5 s." in page
    assert "Kein großer Bildschirm hat die offene Frage gemeldet." in page
    assert "Prüfen Sie die Übertragung zum großen Bildschirm" in page


def test_a_participant_cannot_run_the_rehearsal(app, client, auth, hall, register):
    auth.login_participant(register(hall, email="gast@example.org").user)
    for action in ("rehearsal", "rehearsal_open", "rehearsal_end"):
        assert client.post(f"/organiser/events/{hall.slug}/live/{action}",
                           data={}).status_code == 403
    assert rehearsals.current(hall) is None


def test_no_rehearsal_while_a_vote_is_open_and_no_vote_during_one(orga, organiser, hall):
    assert _control(orga, hall, "rehearsal").status_code == 303
    assert _control(orga, hall, "rehearsal").status_code == 409  # one at a time
    refused = orga.post(f"/organiser/events/{hall.slug}/live/open",
                        data={"title": "ClusterERFOLG", "eligibility": "registered"},
                        headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    assert "A rehearsal is on the screen: end it first." in refused.get_data(as_text=True)
    assert polls.polls_of(hall)[0].status == "draft"
    _control(orga, hall, "rehearsal_end")
    live.open_vote(organiser, hall)
    answer = orga.post(f"/organiser/events/{hall.slug}/live/rehearsal", data={},
                       headers={"Accept-Language": "en"})
    assert answer.status_code == 409
    assert "A vote is open: close it before the rehearsal." in answer.get_data(as_text=True)


@pytest.mark.parametrize("fields", [
    {"phone": "abc\u202eexe-0123456789abcdef", "ballot_ms": "900"},  # bidi override
    {"phone": "abc\x07def0123456789abcdef"},  # a control character
    {"phone": "short"},
    {"phone": "p" * 32, "ballot_ms": "-5"},
    {"phone": "p" * 32, "ballot_ms": "viel"},
    {"phone": "p" * 32, "kind": "tablet"},
])
def test_bad_reports_get_a_message_not_a_500(app, orga, hall, fields):
    _control(orga, hall, "rehearsal")
    client = app.test_client()
    answer = client.post(f"/events/{hall.slug}/rehearsal/report", data=fields,
                         headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    assert "<h1" in answer.get_data(as_text=True)
    assert rehearsals.summary(hall).phones == 0


def test_without_a_rehearsal_reports_are_404(app, hall):
    answer = app.test_client().post(f"/events/{hall.slug}/rehearsal/report",
                                    data={"phone": "p" * 32, "ballot_ms": "900"},
                                    headers={"Accept-Language": "en"})
    assert answer.status_code == 404
    assert "No rehearsal is running for this event." in answer.get_data(as_text=True)


def test_without_javascript_the_answer_thanks_on_the_page(app, orga, hall):
    _control(orga, hall, "rehearsal")
    _control(orga, hall, "rehearsal_open")
    client, token = _phone(app, hall)
    answer = client.post(f"/events/{hall.slug}/rehearsal/answer",
                         data={"phone": token, "answer": "well"}, follow_redirects=True,
                         headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    assert "this phone is ready for the vote" in answer.get_data(as_text=True)
    missing = client.post(f"/events/{hall.slug}/rehearsal/answer", data={"phone": token},
                          headers={"Accept-Language": "en"})
    assert missing.status_code == 422 and "Please choose an answer." in missing.get_data(
        as_text=True)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_rehearsal_pages_are_valid_html(app, orga, hall, language):
    _control(orga, hall, "rehearsal")
    client, token = _phone(app, hall)
    _report(client, hall, phone=token, ballot_ms=9000)
    pages = [f"/events/{hall.slug}/rehearsal", f"/screen/{hall.slug}",
             f"/organiser/events/{hall.slug}/live"]
    _control(orga, hall, "rehearsal_open")
    client.post(f"/events/{hall.slug}/rehearsal/answer", data={"phone": token, "answer": "poorly"})
    pages += [f"/screen/{hall.slug}/stage", f"/organiser/events/{hall.slug}/live"]
    for url in pages:
        html = orga.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
        assert_valid_html(html, url)
