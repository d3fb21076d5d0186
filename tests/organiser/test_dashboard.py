"""The organiser's dashboard (charts and counts) and the audit log with its filters and labels."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import to_user_timezone
from sqlalchemy import update

import eventapp
from eventapp.audit.labels import ACTION_LABELS, KIND_LABELS
from eventapp.audit.services import record
from eventapp.awards import polls, voting
from eventapp.database import utcnow, write_transaction
from eventapp.exports.services import TABLES
from eventapp.extensions import db
from eventapp.questions.services import STEPS
from eventapp.registration.models import Registration

from ..helpers import sessions_of


def test_dashboard_shows_registrations_seats_checkins_and_turnout(client, auth, create_event,
                                                                  register, organiser):
    event = create_event(finalists=2, sessions=(("Weiterbildung", 4),))
    people = [register(event, session_ids=[sessions_of(event)[0].id]) for _ in range(3)]
    poll = polls.create_poll(organiser, event, "Preis 2027")
    polls.open_poll(organiser, poll)
    voting.cast_vote(poll, people[0].user, poll.candidates[0].id)
    polls.close_poll(organiser, poll)
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert page.count("<svg") == 3 and "Weiterbildung" in page and "Preis 2027" in page
    assert "3 / 4" in page  # 3 of 4 seats


def test_dashboard_counts_registrations_by_the_day_in_berlin(client, auth, create_event,
                                                           register):
    event = create_event()
    person = register(event)
    with write_transaction():  # 23:30 UTC on the 19th is half past one on the 20th in Berlin
        db.session.execute(update(Registration).where(Registration.id == person.id)
                           .values(created_at=datetime(2022, 10, 19, 23, 30, tzinfo=UTC)))
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert '<th scope="row">20.10.22</th>' in page


def test_audit_log_filters_by_kind_and_person(client, auth, create_event, organiser):
    event = create_event()
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/audit"
    everything = client.get(url).get_data(as_text=True)
    assert "Veranstaltung angelegt" in everything and "Breakout-Session angelegt" in everything
    only_breakouts = client.get(f"{url}?action=breakout").get_data(as_text=True)
    assert "Breakout-Session angelegt" in only_breakouts
    assert "Veranstaltung angelegt" not in only_breakouts
    nobody = client.get(f"{url}?actor=99999").get_data(as_text=True)
    assert "Veranstaltung angelegt" not in nobody
    mine = client.get(f"{url}?actor={organiser.id}").get_data(as_text=True)
    assert "Veranstaltung angelegt" in mine


@pytest.mark.parametrize("actor", ["abc", "²", "٣", "-1", "1e3", " 1", str(2**31), "9" * 30])
def test_audit_log_takes_any_text_as_the_person_filter(client, auth, create_event, actor):
    event = create_event()
    auth.login_organiser()
    response = client.get(f"/organiser/events/{event.slug}/audit", query_string={"actor": actor})
    assert response.status_code == 200


def test_audit_log_speaks_the_readers_language_and_keeps_unknown_actions_readable(
        client, auth, create_event, organiser):
    event = create_event()
    with write_transaction():
        record(organiser, "someday.invented", event.id)
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/audit"
    german = client.get(url).get_data(as_text=True)
    assert "Veranstaltung angelegt" in german and "event.created" not in german
    assert "someday.invented" in german
    client.post("/auth/language", data={"lang": "en"})
    english = client.get(url).get_data(as_text=True)
    assert "Event created" in english and "Breakout session created" in english
    assert '<option value="breakout"' in english and ">Breakout sessions</option>" in english


def _recorded_actions() -> set[str]:
    """Every action key the code records, read from the source."""
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in Path(eventapp.__file__).parent.rglob("*.py"))
    keys = set(re.findall(r'record\([^,]+,\s*"([a-z_]+(?:\.[a-z_]+)?)"\s*[,)]', source))
    keys |= {f"live.{name}" for name in re.findall(r'_change\(actor, event, "([a-z_]+)"', source)}
    keys |= {f"mail.{kind}" for kind in re.findall(r'queue_mails\(\s*\w+, \w+, "([a-z_]+)"',
                                                   source)}
    keys |= {f"mail.{kind}" for kind in re.findall(r'queue_job\(\s*\w+, \w+, "([a-z_]+)"',
                                                   source)}
    keys |= {f"export.{table}" for table in TABLES}
    keys |= {f"questions.{step}" for step in STEPS}
    keys |= {"finalist.team_member_added", "finalist.team_member_removed"}
    return keys


def test_every_action_the_code_records_has_a_label():
    recorded = _recorded_actions()
    assert {"event.created", "live.reveal", "mail.vote_open", "checkin"} <= recorded
    assert sorted(recorded - ACTION_LABELS.keys()) == []
    assert sorted({key.split(".")[0] for key in recorded} - KIND_LABELS.keys()) == []


# --- issue 35, item 9: charts that carry their labels, and the log in words ----------------


def _svg(page: str, chart_id: str) -> str:
    return re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-title".*?</svg>', page, re.S).group(0)


def test_breakout_bars_carry_their_names_seats_and_capacity(client, auth, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 4), ("Wertschöpfung", 10)))
    for _ in range(3):
        register(event, session_ids=[sessions_of(event)[0].id])
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    seats = _svg(page, "seats")
    assert "Weiterbildung" in seats and "Wertschöpfung" in seats
    assert "3 / 4" in seats and "0 / 10" in seats
    assert seats.count('class="chart-capacity"') == 2


def test_turnout_is_a_percentage_of_who_may_vote(client, auth, create_event, register,
                                                organiser):
    event = create_event(finalists=2)
    people = [register(event) for _ in range(3)]
    poll = polls.create_poll(organiser, event, "Preis 2027")
    polls.open_poll(organiser, poll)
    voting.cast_vote(poll, people[0].user, poll.candidates[0].id)
    polls.close_poll(organiser, poll)
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    turnout = _svg(page, "turnout")
    assert "Preis 2027" in turnout and "33\u00a0%" in turnout and "1 / 3" in turnout
    client.post("/auth/language", data={"lang": "en"})
    english = _svg(client.get(f"/organiser/events/{event.slug}/dashboard")
                   .get_data(as_text=True), "turnout")
    assert "33%" in english


def test_the_registrations_timeline_runs_over_a_time_axis(client, auth, create_event, register):
    event = create_event()
    now = utcnow()
    for days_ago in (20, 16, 0):
        person = register(event)
        with write_transaction():
            db.session.execute(update(Registration).where(Registration.id == person.id)
                               .values(created_at=now - timedelta(days=days_ago)))
    auth.login_organiser()
    timeline = _svg(client.get(f"/organiser/events/{event.slug}/dashboard")
                    .get_data(as_text=True), "reg")
    points = [float(x) for x in re.findall(r'<circle[^>]*cx="([\d.]+)"', timeline)]
    assert len(points) == 3
    # 4 of the 20 days from the first to the last: a fifth of the way along the axis
    assert abs((points[1] - points[0]) / (points[2] - points[0]) - 4 / 20) < 0.01
    first, last = (to_user_timezone(now - timedelta(days=n)).date() for n in (20, 0))
    for day in (first, last):  # the axis's dates, from the first day to today
        assert day.strftime("%d.%m.%y") in timeline
    assert re.search(r"<text[^>]*>3</text>", timeline)  # the count axis reaches the total


def test_the_latest_changes_and_the_log_show_words_and_readable_values(
        client, auth, create_event, organiser):
    event = create_event()
    with write_transaction():
        record(organiser, "agenda.created", event.id, item=1, title="Eröffnung")
        record(organiser, "staff.role_given", event.id, email="ko@example.org",
               role="co_organiser")
        record(organiser, "live.vote", event.id, mode="vote", poll_id=7)
        record(organiser, "poll.created", event.id, poll=7, title="Frage", kind="question")
    auth.login_organiser()
    overview = client.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    latest = overview.split('id="audit-heading"', 1)[1]
    assert "Programmpunkt angelegt" in latest and "Rolle vergeben" in latest
    assert "agenda.created" not in latest and "staff.role_given" not in latest
    log = client.get(f"/organiser/events/{event.slug}/audit").get_data(as_text=True)
    assert "Eröffnung" in log and "\\u00f6" not in log and "&#34;" not in log
    assert "Titel: Eröffnung" in log and "Rolle: Mitveranstalter/in" in log
    assert "Bildschirm: Abstimmung" in log and "poll_id" not in log and "mode:" not in log
    assert "Art: Eine Frage" in log and "question" not in log
    client.post("/auth/language", data={"lang": "en"})
    log = client.get(f"/organiser/events/{event.slug}/audit").get_data(as_text=True)
    assert "Title: Eröffnung" in log and "Role: Co-organiser" in log
