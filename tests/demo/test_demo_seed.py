"""`flask seed demo`: one story (docs/design.md, reference scenario; issue 34, item 22): the
go-cluster annual meeting of 20 October 2022, over, with its result and hall of fame, and
the network's next meeting on the next 20 October (or a given day), open for registration
with its polls as drafts; built once, without mail."""

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventapp.allocation import services as allocation
from eventapp.allocation.models import AllocationMode
from eventapp.audit.models import AuditLog
from eventapp.auth.models import User
from eventapp.auth.services import find_user_by_email
from eventapp.awards.models import Finalist, PastWinner, PollStatus
from eventapp.awards.polls import polls_of
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.demo.seed import DEMO_ORGANISER_EMAIL
from eventapp.events.models import Event
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.feedback import services as feedback
from eventapp.invitations.services import guests_of, reserved_places
from eventapp.mailing.models import OutgoingMail
from eventapp.networks.access import may
from eventapp.registration.models import Registration
from eventapp.registration.services import confirmed_registrations
from eventapp.speakers.services import speakers_of
from eventapp.wordcloud import services as clouds
from eventapp.wordcloud.models import CloudStatus

from ..helpers import count_rows

SLUG = "clustertreffen-2022"
UPCOMING = "jahrestreffen-go-cluster"
BERLIN = ZoneInfo("Europe/Berlin")
BREAKOUTS = ["Weiterbildung etablieren und Fachkräfte sichern",
             "Wertschöpfungsketten neu denken und nachhaltig Wirtschaften",
             "Neue Geschäfts- und Erlösmodelle entwickeln"]
NIRO = "Netzwerk Industrie RuhrOst e. V. (NIRO)"



def _snapshot() -> dict:
    """How many rows every table holds."""
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def _event(slug: str = SLUG) -> Event:
    db.session.expire_all()
    return db.session.scalar(select(Event).where(Event.slug == slug))


@pytest.fixture
def seeded(runner, mailbox):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert f"Created demo event {SLUG}" in result.output
    return _event()


def test_the_meeting_is_published_with_its_facts(seeded):
    event = seeded
    assert event.status == "published" and event.format == "online"
    assert event.title == "Jahrestreffen des Programms go-cluster 2022"
    assert event.motto == "Transformation der Industrie"
    assert count_rows(Event) == 3  # and the next one, and the member network's conference
    assert event.network.slug == "go-cluster"


def test_the_agenda_of_2022_with_its_speakers(seeded):
    items = seeded.agenda_items
    assert [item.kind for item in items] == [
        "opening", "talk", "breakouts", "talk", "pitches", "vote", "award", "closing",
        "opening", "talk", "closing"]
    speakers = {item.speaker: item.affiliation for item in items if item.speaker}
    assert "BMWK" in speakers["Dr. Ole Janssen"]
    assert speakers["Dr. Friedrich Dornbusch"].startswith("Fraunhofer")
    assert speakers["Dr. Friedrich Dornbusch"].endswith(" IMW")
    assert "CDI" in speakers["Andreas Findeisen"]
    opening, impulse = items[0], items[1]
    assert opening.speaker == "Dr. Ole Janssen" and impulse.speaker == "Dr. Friedrich Dornbusch"
    assert items[3].speaker == "Andreas Findeisen"
    assert "Jonglage" in items[7].title
    assert all(a.ends_at <= b.starts_at for a, b in zip(items, items[1:], strict=False))


def test_a_second_day_with_rooms_and_the_keynote_speakers_profiles(seeded, client):
    days = {item.starts_at.astimezone(BERLIN).date() for item in seeded.agenda_items}
    assert days == {date(2022, 10, 20), date(2022, 10, 21)}
    assert all(item.room for item in seeded.agenda_items if item.kind != "breakouts")
    assert [s.place for s in db.session.scalars(select(BreakoutSession).where(
        BreakoutSession.slot_id.in_([i.id for i in seeded.agenda_items]))
        .order_by(BreakoutSession.id))] == ["Raum 1", "Raum 2", "Raum 3"]
    profiles = {speaker.name: speaker for speaker in speakers_of(seeded)}
    assert set(profiles) == {"Dr. Ole Janssen", "Dr. Friedrich Dornbusch", "Andreas Findeisen"}
    assert all(speaker.has_photo and speaker.agenda_items for speaker in profiles.values())
    page = client.get(f"/events/{SLUG}/").get_data(as_text=True)
    assert "Freitag, 21. Oktober 2022" in page and "Werkstattraum" in page
    findeisen = profiles["Andreas Findeisen"]
    assert f"/events/{SLUG}/speakers/{findeisen.id}" in page
    assert "Cluster Dekarbonisierung" in client.get(
        f"/events/{SLUG}/speakers/{findeisen.id}").get_data(as_text=True)


def test_three_parallel_breakouts_in_the_breakout_slot(seeded):
    slot = next(item for item in seeded.agenda_items if item.kind == "breakouts")
    sessions = list(db.session.scalars(select(BreakoutSession)
                                       .where(BreakoutSession.slot_id == slot.id)
                                       .order_by(BreakoutSession.id)))
    assert [s.title for s in sessions] == BREAKOUTS
    assert {s.slot_id for s in sessions} == {slot.id}


def test_three_finalists_with_niro_and_logos(seeded, client):
    finalists = list(db.session.scalars(select(Finalist).where(Finalist.event_id == seeded.id)
                                        .order_by(Finalist.pitch_order)))
    assert len(finalists) == 3
    assert [f.pitch_order for f in finalists] == [1, 2, 3]
    niro = next(f for f in finalists if f.organisation == NIRO)
    assert niro.project_title == "Nachhaltigkeit ins Netzwerk bringen"
    assert "NaLiMa" in niro.summary
    assert all(f.pitch_seconds == 180 and f.has_logo for f in finalists)
    logo = client.get(f"/finalists/{niro.id}/logo.png")
    assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")


def test_sixty_registrations_with_breakout_choices(seeded):
    event = _event(SLUG)
    registrations = list(db.session.scalars(select(Registration)
                                            .where(Registration.event_id == event.id)))
    assert len(registrations) == 60 == event.registered_count
    assert {r.status for r in registrations} == {"confirmed"}
    assert all(r.consent_at is not None for r in registrations)
    choices = list(db.session.scalars(select(BreakoutChoice).where(
        BreakoutChoice.registration_id.in_([r.id for r in registrations]))))
    assert len(choices) == 60
    assert {c.registration_id for c in choices} == {r.id for r in registrations}
    assert {c.status for c in choices} == {"seated"}
    sessions = list(db.session.scalars(select(BreakoutSession).where(
        BreakoutSession.id.in_([c.session_id for c in choices]))))
    assert sum(s.seats_taken for s in sessions) == 60
    assert all(0 < s.seats_taken <= s.capacity for s in sessions)
    assert len({u.email for u in db.session.scalars(select(User))}) == count_rows(User)


def test_the_next_meetings_breakouts_are_ranked_by_a_deadline(seeded):
    event = _event(UPCOMING)
    settings = allocation.settings_of(event)
    assert settings.mode == AllocationMode.RANKED and settings.published_at is None
    assert settings.deadline == event.starts_at.astimezone(BERLIN).replace(
        hour=0, minute=0) - timedelta(days=7)
    people = confirmed_registrations(event)
    assert len(people) == 60 and count_rows(BreakoutChoice) == 60  # 2022's seats only
    rankings = [allocation.rankings_of(person.id) for person in people]
    ranked = [next(iter(r.values())) for r in rankings if r]
    assert len(ranked) == 50 and all(len(ranking) == 3 for ranking in ranked)
    firsts = {ranking[0] for ranking in ranked}
    assert len(firsts) == 3  # not all want the same, but more the first one
    # The organiser's run: seats suffice, every one who ranked gets one, many their first.
    preview = allocation.run(find_user_by_email(DEMO_ORGANISER_EMAIL), event, seed=1)
    assert preview.counts["none"] == 0 and preview.counts["1"] >= 40


def test_no_mail_is_sent_to_the_made_up_people(seeded, runner, mailbox, tmp_path):
    assert count_rows(OutgoingMail) == 0  # none queued, so the worker sends none later
    runner.invoke(args=["mail", "deliver"])
    assert mailbox == []
    outbox = tmp_path / "outbox"
    assert not outbox.exists() or os.listdir(outbox) == []


def test_the_demo_organiser_can_sign_in(seeded, client, auth):
    response = auth.login_organiser("organiser@example.org", "clusterdemo2022")
    assert response.status_code in (302, 303)
    assert client.get(f"/organiser/events/{SLUG}/").status_code == 200


def test_the_public_page_shows_the_meeting(seeded, client):
    page = client.get(f"/events/{SLUG}/").get_data(as_text=True)
    assert "Dr. Ole Janssen" in page and "Andreas Findeisen" in page
    assert BREAKOUTS[0] in page and NIRO in page


def test_the_next_meeting_is_on_the_next_20_october_at_10_in_berlin(seeded):
    upcoming = _event(UPCOMING)
    start = upcoming.starts_at.astimezone(BERLIN)
    today = date.today()
    assert (start.month, start.day, start.hour, start.minute) == (10, 20, 10, 0)
    assert start.year in (today.year, today.year + 1)
    assert start.date() >= today
    assert upcoming.year == start.year and str(start.year) in upcoming.title
    # Two days: the second one ends at noon.
    assert upcoming.ends_at.astimezone(BERLIN).strftime("%d %H:%M") == "21 12:00"
    assert upcoming.network_id == seeded.network_id


def test_the_2022_meeting_is_on_its_historic_day_with_its_result(seeded, client):
    assert seeded.starts_at == datetime(2022, 10, 20, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert seeded.ends_at == datetime(2022, 10, 21, 10, 0, tzinfo=UTC)  # day 2, 12:00 CEST
    assert seeded.year == 2022
    (award,) = polls_of(seeded)
    assert award.status == PollStatus.REVEALED
    results = client.get(f"/events/{SLUG}/results").get_data(as_text=True)
    assert NIRO in results
    hall = client.get("/hall-of-fame").get_data(as_text=True)
    assert "2022" in hall and "ClusterERFOLG 2022" in hall
    assert str(date.today().year + 1) not in hall  # no winner dated in the future


def test_the_next_meeting_is_open_for_registration_with_its_polls_to_try(seeded, client):
    upcoming = _event(UPCOMING)
    page = client.get(f"/events/{UPCOMING}/register").get_data(as_text=True)
    assert 'name="email"' in page
    assert [(p.kind, p.status) for p in polls_of(upcoming)] == [
        ("finalists", "draft"), ("question", "draft"), ("people", "draft")]
    assert polls_of(upcoming)[0].title == f"ClusterERFOLG {upcoming.year}"


def test_make_run_prints_both_meetings():
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:"):makefile.index("\ntest:")]
    assert f"/events/{SLUG}/" in run and f"/events/{UPCOMING}/" in run


def test_running_it_twice_changes_nothing(runner, seeded, mailbox):
    before = _snapshot()
    audit_before = list(db.session.scalars(select(AuditLog.id)))

    again = runner.invoke(args=["seed", "demo"])

    assert again.exit_code == 0, again.output
    assert "Already there" in again.output
    assert _snapshot() == before
    assert list(db.session.scalars(select(AuditLog.id))) == audit_before
    assert _event().starts_at == seeded.starts_at
    assert mailbox == []


def test_a_second_run_with_another_date_keeps_the_first(runner, seeded):
    start = seeded.starts_at
    again = runner.invoke(args=["seed", "demo", "--date", "2022-10-20"])
    assert again.exit_code == 0 and "Already there" in again.output
    assert _event().starts_at == start


def test_the_next_meeting_on_a_given_day(runner, mailbox):
    result = runner.invoke(args=["seed", "demo", "--date", "2031-10-21"])

    assert result.exit_code == 0, result.output
    upcoming = _event(UPCOMING)
    assert upcoming.year == 2031
    assert upcoming.starts_at == datetime(2031, 10, 21, 8, 0, tzinfo=UTC)  # 10:00 CEST
    event = _event()  # 2022 stays on its historic day
    assert {item.starts_at.astimezone(BERLIN).date() for item in event.agenda_items} == {
        date(2022, 10, 20), date(2022, 10, 21)}
    assert "2022-10-20 08:00" in result.output
    # The 2022 meeting is over, yet its 60 participants are there (added outside the window).
    assert count_rows(Registration) == 120 and mailbox == []


def test_fewer_participants_on_request(runner):
    result = runner.invoke(args=["seed", "demo", "--participants", "5"])
    assert result.exit_code == 0, result.output
    # Seats in 2022; the next meeting's wait for its ranking (test above).
    assert count_rows(Registration) == 10 and count_rows(BreakoutChoice) == 5


def test_a_bad_date_is_refused(runner):
    result = runner.invoke(args=["seed", "demo", "--date", "20.10.2022"])
    assert result.exit_code == 2
    assert "--date" in result.output
    assert count_rows(Event) == 0


def test_the_2022_vote_runs_once(runner, client, mailbox):
    first = runner.invoke(args=["seed", "demo", "--voted", "--participants", "10"])
    assert first.exit_code == 0, first.output
    assert "award vote of 2022 is over" in first.output
    snapshot = _snapshot()

    again = runner.invoke(args=["seed", "demo", "--voted"])

    assert again.exit_code == 0, again.output
    assert "award vote" not in again.output
    assert _snapshot() == snapshot
    results = client.get(f"/events/{SLUG}/results").get_data(as_text=True)
    assert NIRO in results
    assert mailbox == []
    (award,) = polls_of(_event())
    # The next meeting's award, audience question and award among people (each with a
    # photo) wait for a newcomer to open them.
    upcoming_award, question, people = polls_of(_event(UPCOMING))
    assert upcoming_award.status == "draft"
    assert [(poll.kind, poll.status) for poll in (award, question, people)] == [
        ("finalists", PollStatus.REVEALED), ("question", "draft"), ("people", "draft")]
    assert len(people.candidates) == 3 and all(o.has_photo for o in people.candidates)
    hall = client.get("/hall-of-fame").get_data(as_text=True)
    assert hall.index(NIRO) < hall.index("Beispielcluster C (example)")  # newest first


def test_the_example_past_winner_is_marked_as_an_example(seeded):
    (winner,) = db.session.scalars(select(PastWinner)).all()
    assert "(example)" in winner.organisation and "(example)" in winner.award


def test_the_demo_has_vote_cards_to_try(runner, client):
    from eventapp.awards.cards import card_counts, cards_of, code_of
    from eventapp.live import services as live

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    event = get_event(UPCOMING)
    assert card_counts(event) == {"printed": 16, "voided": 0}
    # A newcomer opens the audience question and votes with a printed card.
    organiser = find_user_by_email("organiser@example.org")
    question = next(p for p in polls_of(event) if p.kind == "question")
    live.open_vote(organiser, event, poll_id=question.id)
    client.get(f"/c/{code_of(cards_of(event)[0])}")
    voted = client.post(f"/events/{event.slug}/vote",
                        data={"finalist": question.candidates[0].id, "confirmed": "1"})
    assert voted.status_code == 200 and 'id="receipt"' in voted.get_data(as_text=True)


def test_two_networks_each_with_its_meeting_and_people_in_roles(seeded, client):
    conference = get_event("niro-netzwerkkonferenz")
    upcoming = get_event(UPCOMING)
    assert conference.network.slug == "niro" and conference.network.colour != "#0b5d7a"
    assert "theme.css" in client.get("/events/niro-netzwerkkonferenz/").get_data(as_text=True)
    checkin = find_user_by_email("checkin@example.org")
    assert may(checkin, upcoming, "checkin") and not may(checkin, upcoming, "live")
    assert not may(checkin, conference, "checkin")
    assert may(find_user_by_email("presenter@example.org"), upcoming, "live")
    page = client.get("/networks/go-cluster/").get_data(as_text=True)
    assert seeded.title in page and conference.title not in page
    guests = guests_of(conference)
    assert len(guests) == 6 and {g.category for g in guests} >= {"vip", "press", "member"}
    assert {category: r.places for category, r in reserved_places(conference).items()} == {
        "vip": 5, "press": 5}


def test_the_2022_meeting_has_its_word_cloud_and_the_next_one_a_draft(seeded):
    (cloud,) = clouds.clouds_of(seeded)
    assert cloud.question == "Was bedeutet Transformation für Ihr Cluster?"
    assert cloud.status == CloudStatus.CLOSED
    assert clouds.word_counts(cloud)[0] == ("Digitalisierung", 4)
    (upcoming,) = clouds.clouds_of(_event(UPCOMING))
    assert upcoming.status == CloudStatus.DRAFT


def test_the_2022_meeting_has_its_feedback(seeded):
    ratings, open_answers = feedback.results(seeded)
    assert ratings[0].count == 20 and 4 <= ratings[0].average < 4.5
    assert all(rating.count == 20 for rating in ratings)
    assert open_answers
    assert feedback.survey_of(seeded).closes_at < datetime.now(UTC)


def test_the_keynote_of_2022_has_questions_some_upvoted_one_answered(seeded, client):
    from eventapp.questions.models import QuestionStatus
    from eventapp.questions.services import public_questions

    shown = public_questions(seeded)
    assert len(shown) == 5
    assert {q.agenda_item.speaker for q in shown} == {"Dr. Friedrich Dornbusch"}
    assert [q.status for q in shown].count(QuestionStatus.ANSWERED) == 1
    assert sorted(q.upvotes for q in shown) == [0, 2, 5, 9, 14]
    assert any(q.author_name is None for q in shown)
    page = client.get(f"/events/{SLUG}/questions").get_data(as_text=True)
    assert "Wie halten Cluster ihr Wissen" in page and "Beantwortet" in page
