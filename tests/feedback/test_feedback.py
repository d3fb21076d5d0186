"""Feedback after the meeting: mailed once to those who were there, in their language, with a
single-use link; answered once, anonymously; closed after its days; averages, distribution
and CSV for the organiser; the ratings for presenters only when shared."""

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text, update

from eventapp.database import utcnow, write_transaction
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.feedback import services as feedback
from eventapp.feedback.models import FeedbackAnswer, FeedbackSurvey, FeedbackToken
from eventapp.mailing import jobs
from eventapp.mailing.models import OutgoingMail
from eventapp.registration.models import Registration
from eventapp.speakers.services import save_speaker

from ..helpers import assert_valid_html, count_rows


@pytest.fixture
def meeting(app, organiser, create_event, register):
    app.config["MAIL_SUPPRESS_SEND"] = True
    start = utcnow() - timedelta(days=1)
    event = create_event(starts_at=start)
    there = [register(event, email=f"da{i}@example.org") for i in range(3)]
    away = register(event, email="weg@example.org")
    with write_transaction():
        for registration in there[:2]:
            db.session.get(Registration, registration.id).checked_in_at = start
        db.session.get(Registration, there[2].id).present_online = True
    feedback.save_survey(organiser, event, "Was war gut?", "Was besser?", 14, False)
    return {"event": event, "there": there, "away": away}


def _mail_links(event) -> dict[str, str]:
    """Make the job's mails (as the worker does); each recipient's link by address."""
    jobs.run_jobs()
    db.session.expire_all()
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.event_id == event.id,
                                                          OutgoingMail.kind == "feedback"))
    return {mail.recipient: mail.body_text.split("/feedback/")[1].split()[0] for mail in mails}


def test_mailed_once_after_the_meeting_to_those_who_were_there(organiser, meeting,
                                                               create_event):
    event = meeting["event"]
    feedback.send_survey(organiser, event)
    with pytest.raises(feedback.SurveyMailed):
        feedback.send_survey(organiser, event)
    links = _mail_links(event)
    assert set(links) == {"da0@example.org", "da1@example.org", "da2@example.org"}
    assert count_rows(FeedbackToken) == 3
    future = create_event()
    feedback.save_survey(organiser, future, "a", "b", 7, False)
    with pytest.raises(feedback.MeetingNotOver):
        feedback.send_survey(organiser, future)


def test_the_mail_speaks_the_persons_language(organiser, meeting):
    event = meeting["event"]
    with write_transaction():
        user = meeting["there"][0].user
        user.locale, user.locale_chosen = "en", True
    feedback.send_survey(organiser, event)
    jobs.run_jobs()
    db.session.expire_all()
    subjects = dict(db.session.execute(select(OutgoingMail.recipient, OutgoingMail.subject)
                                       .where(OutgoingMail.kind == "feedback")).all())
    assert subjects["da0@example.org"].startswith("Your feedback on")
    assert subjects["da1@example.org"].startswith("Ihr Feedback zu")


def test_answered_once_anonymously_and_counted(client, organiser, meeting):
    event = meeting["event"]
    feedback.send_survey(organiser, event)
    links = list(_mail_links(event).values())
    item = feedback.rated_items(event)[0][0]
    url = f"/feedback/{links[0]}"
    page = client.get(url)
    assert page.status_code == 200
    assert_valid_html(page.get_data(as_text=True), url)
    response = client.post(url, data={"meeting": "5", f"rate_{item}": "4",
                                      "answer_1": "Die Breakouts", "answer_2": ""})
    assert response.status_code == 200
    assert client.get(url).status_code == 404  # the link has done its work
    assert client.post(url, data={"meeting": "1"}).status_code == 404
    feedback.answer(links[1], 3, {item: 2}, "", "Mehr Pausen")
    ratings, open_answers = feedback.results(event)
    assert (ratings[0].average, ratings[0].distribution) == (4.0, [0, 0, 1, 0, 1])
    assert ratings[1].key == item and ratings[1].count == 2
    assert sorted(open_answers) == sorted([("Die Breakouts", ""), ("", "Mehr Pausen")])
    assert count_rows(FeedbackToken) == 1


def test_bad_ratings_are_refused_with_a_4xx(client, organiser, meeting):
    event = meeting["event"]
    feedback.send_survey(organiser, event)
    link = next(iter(_mail_links(event).values()))
    response = client.post(f"/feedback/{link}", data={"meeting": "9"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    response = client.post(f"/feedback/{link}", data={"answer_1": "Gut\u202e"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "control characters" in response.get_data(
        as_text=True)
    assert count_rows(FeedbackAnswer) == 0


def test_the_survey_closes_after_its_days(client, organiser, meeting):
    event = meeting["event"]
    feedback.send_survey(organiser, event)
    link = next(iter(_mail_links(event).values()))
    with write_transaction():
        db.session.execute(update(FeedbackSurvey).values(closes_at=utcnow() - timedelta(
            minutes=1)))
    assert client.get(f"/feedback/{link}").status_code == 409
    with pytest.raises(feedback.SurveyClosed):
        feedback.answer(link, 5, {}, "", "")


def test_no_reading_of_the_database_joins_an_answer_to_a_person(organiser, meeting):
    event = meeting["event"]
    feedback.send_survey(organiser, event)
    links = _mail_links(event)
    for link in links.values():
        feedback.answer(link, 4, {}, "", "")
    # A link names no one, an answer neither a person nor its link.
    columns = {table: {column["name"] for column in inspect(db.engine).get_columns(table)}
               for table in ("feedback_tokens", "feedback_answers")}
    assert columns["feedback_tokens"] == {"token_hash", "event_id"}
    assert columns["feedback_answers"] == {"id", "event_id", "meeting", "ratings", "answer_1",
                                           "answer_2"}
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        joined = db.session.execute(text(
            "SELECT count(*) FROM feedback_answers a JOIN outgoing_mails m ON m.xmin = a.xmin"
        )).scalar()
        assert joined == 0


def test_presenters_see_the_ratings_only_when_shared(client, auth, organiser, meeting):
    event = meeting["event"]
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/feedback/ratings"
    assert client.get(url).status_code == 403
    feedback.save_survey(organiser, event, "a", "b", 14, True)
    page = client.get(url)
    assert page.status_code == 200
    assert_valid_html(page.get_data(as_text=True), url)


def test_a_speaker_sees_the_ratings_of_their_own_items_by_their_link(client, auth, organiser,
                                                                     meeting):
    """Speakers have no accounts: the organiser gives each a secret link to the ratings of
    their own items, shown only while the ratings are shared."""
    event = meeting["event"]
    talk = events.add_agenda_item(organiser, event, starts_at=event.starts_at,
                                  ends_at=event.starts_at + timedelta(minutes=30), kind="talk",
                                  title="Impulsvortrag", speaker="", affiliation="")
    speaker = save_speaker(organiser, event, name="Dr. Ole Janssen", agenda_item_ids=[talk.id])
    feedback.send_survey(organiser, event)
    for link in _mail_links(event).values():
        feedback.answer(link, 4, {key: 5 for key, _label in feedback.rated_items(event)}, "", "")
    url = (f"/events/{event.slug}/feedback/speakers/{speaker.id}/"
           f"{feedback.speaker_token(speaker)}")
    assert client.get(url).status_code == 404  # not shared
    feedback.save_survey(organiser, event, "a", "b", 14, True)
    page = client.get(url)
    assert page.status_code == 200
    assert_valid_html(page.get_data(as_text=True), url)
    shown = page.get_data(as_text=True)
    assert "Dr. Ole Janssen" in shown and talk.title in shown
    assert "Das Treffen insgesamt" not in shown  # the meeting's own mark is not theirs
    assert "Was war gut?" not in shown
    token = feedback.speaker_token(speaker)
    assert all(client.get(bad).status_code == 404 for bad in (
        url[:-1] + ("0" if url[-1] != "0" else "1"),
        f"/events/{event.slug}/feedback/speakers/{speaker.id + 1}/{token}"))
    auth.login_organiser()
    survey_page = client.get(f"/organiser/events/{event.slug}/feedback").get_data(as_text=True)
    assert url in survey_page


def test_the_organiser_sets_up_sees_and_exports(client, orga, organiser, meeting):
    event = meeting["event"]
    base = f"/organiser/events/{event.slug}/feedback"
    assert client.post(base, data={"question_1": "Gut?", "question_2": "Besser?",
                                   "days_open": "7"}).status_code == 303
    assert db.session.get(FeedbackSurvey, event.id).days_open == 7
    assert client.post(f"{base}/send", data={}).status_code == 303
    links = list(_mail_links(event).values())
    feedback.answer(links[0], 5, {}, "=HYPERLINK()", "")
    page = client.get(base).get_data(as_text=True)
    assert_valid_html(page, base)
    csv = client.get(f"{base}.csv").get_data(as_text=True)
    assert "5.00" in csv and csv.count("\r\n") == 1 + 1 + len(feedback.rated_items(event))


def test_a_participant_cannot_send_or_see_the_results(client, auth, meeting):
    auth.login_participant(meeting["there"][0].user)
    base = f"/organiser/events/{meeting['event'].slug}/feedback"
    assert client.post(f"{base}/send", data={}).status_code == 403
    assert client.get(f"{base}.csv").status_code == 403
    assert db.session.get(FeedbackSurvey, meeting["event"].id).closes_at is None
    assert db.session.scalar(select(Event.id).where(Event.id == meeting["event"].id))
