"""Audience questions: who may ask, moderation, what reaches the screen and the phones, one
upvote per person, no asker behind an anonymous question, the export, the rate limits."""

import json

import pytest
from sqlalchemy import select, text

from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.questions import services as questions
from eventapp.questions.models import Naming, Question, QuestionStatus, QuestionUpvote

from ..helpers import assert_valid_html


@pytest.fixture
def meeting(organiser, create_event, register):
    event = create_event()
    anna = register(event, name="Anna Andersson", email="anna@example.org")
    ben = register(event, name="Ben Bauer", email="ben@example.org")
    return {"event": event, "anna": anna.user, "ben": ben.user}


def _asker(user):
    """Who asks, as asker_in finds them in a request."""
    return questions.Asker(f"user:{user.id}")


def _public_texts(client, event) -> str:
    """Everything a phone, the stage page and the big screen get."""
    live.show_questions(None, event)
    return "".join(client.get(url).get_data(as_text=True) for url in (
        f"/events/{event.slug}/questions", f"/events/{event.slug}/questions/list",
        f"/screen/{event.slug}", f"/screen/{event.slug}/stage", f"/live/{event.slug}/state"))


def test_a_question_is_shown_once_approved_and_a_hidden_one_never(
        client, organiser, meeting):
    event = meeting["event"]
    asked = questions.ask(event, _asker(meeting["anna"]), "Wie finanziert ihr das?")
    hidden = questions.ask(event, _asker(meeting["ben"]), "Geheime Werbung hier")
    assert asked.status == QuestionStatus.PENDING
    assert "Wie finanziert" not in _public_texts(client, event)

    questions.moderate(organiser, event, asked.id, "approve")
    questions.moderate(organiser, event, hidden.id, "hide")
    shown = _public_texts(client, event)
    assert "Wie finanziert ihr das?" in shown and "Geheime Werbung" not in shown
    state = json.loads(client.get(f"/live/{event.slug}/state").get_data(as_text=True))
    assert [q["text"] for q in state["questions"]["list"]] == ["Wie finanziert ihr das?"]
    with pytest.raises(questions.NotPublic):
        questions.upvote(event, _asker(meeting["anna"]), hidden.id)

    # Approved, then hidden again: gone from every public place.
    questions.moderate(organiser, event, asked.id, "hide")
    assert "Wie finanziert" not in _public_texts(client, event)


def test_without_moderation_a_question_is_shown_at_once(organiser, meeting):
    event = meeting["event"]
    questions.save_settings(organiser, event, open=True, moderated=False,
                            naming=Naming.NAMED_OR_ANONYMOUS)
    version = live.live_state(event).version
    question = questions.ask(event, _asker(meeting["anna"]), "Sofort sichtbar?")
    assert question.status == QuestionStatus.APPROVED
    db.session.expire_all()
    assert live.live_state(event).version > version  # screens and phones fetch it
    assert questions.public_questions(event) == [question]


def test_one_upvote_per_person_and_the_answered_one_first(organiser, meeting):
    event = meeting["event"]
    anna, ben = _asker(meeting["anna"]), _asker(meeting["ben"])
    first = questions.ask(event, anna, "Erste Frage")
    second = questions.ask(event, ben, "Zweite Frage")
    for question in (first, second):
        questions.moderate(organiser, event, question.id, "approve")
    assert questions.upvote(event, anna, second.id) is True
    assert questions.upvote(event, anna, second.id) is False
    assert questions.upvote(event, ben, second.id) is True
    db.session.expire_all()
    assert [q.text for q in questions.public_questions(event)] == ["Zweite Frage", "Erste Frage"]
    assert db.session.get(Question, second.id).upvotes == 2
    assert questions.upvoted_by(anna, [first, second]) == {second.id}

    questions.moderate(organiser, event, first.id, "answer")
    assert [q.text for q in questions.public_questions(event)] == ["Erste Frage", "Zweite Frage"]
    questions.moderate(organiser, event, second.id, "answer")  # the first is done then
    db.session.expire_all()
    assert db.session.get(Question, first.id).status == QuestionStatus.ANSWERED


def test_merging_a_duplicate_moves_its_upvotes(organiser, meeting):
    event = meeting["event"]
    anna, ben = _asker(meeting["anna"]), _asker(meeting["ben"])
    original = questions.ask(event, anna, "Wer zahlt?")
    duplicate = questions.ask(event, ben, "Wer bezahlt das?")
    for question in (original, duplicate):
        questions.moderate(organiser, event, question.id, "approve")
    questions.upvote(event, anna, duplicate.id)
    questions.merge(organiser, event, duplicate.id, original.id)
    db.session.expire_all()
    assert [(q.text, q.upvotes) for q in questions.public_questions(event)] == [("Wer zahlt?", 1)]
    with pytest.raises(questions.CannotMerge):
        questions.merge(organiser, event, original.id, original.id)


def test_names_as_the_event_allows(organiser, meeting):
    event = meeting["event"]
    anna = _asker(meeting["anna"])
    questions.save_settings(organiser, event, open=True, moderated=True, naming=Naming.NAMED)
    with pytest.raises(questions.NameNeeded):
        questions.ask(event, anna, "Ohne Namen?")
    assert questions.ask(event, anna, "Mit Namen", name="Anna").author_name == "Anna"
    questions.save_settings(organiser, event, open=True, moderated=True, naming=Naming.ANONYMOUS)
    assert questions.ask(event, anna, "Anonym", name="Anna").author_name is None
    questions.save_settings(organiser, event, open=False, moderated=True,
                            naming=Naming.ANONYMOUS)
    with pytest.raises(questions.QuestionsClosed):
        questions.ask(event, anna, "Zu spät")


def test_asking_on_the_phone_and_bad_input(client, auth, meeting, register):
    event = meeting["event"]
    url = f"/events/{event.slug}/questions"
    assert client.post(url, data={"text": "Anonym ohne Anmeldung"}).status_code == 403
    auth.login_participant(meeting["anna"])
    page = client.get(url).get_data(as_text=True)
    assert_valid_html(page, url)
    for bad in ("Eva \u202eexe.txt", "Klingel\x07", "x" * 301, ""):
        answer = client.post(url, data={"text": bad})
        assert answer.status_code == 422, bad
    assert "Bitte entfernen Sie die Steuerzeichen" in client.post(
        url, data={"text": "Eva \u202eexe.txt"}).get_data(as_text=True)
    answer = client.post(url, data={"text": "Wie geht es weiter?", "name": ""})
    assert answer.status_code == 303
    assert db.session.scalar(select(Question.author_name)) is None
    assert client.post(f"{url}/999999/upvote", data={}).status_code == 404


def test_a_participant_cannot_moderate(client, auth, organiser, meeting):
    event = meeting["event"]
    question = questions.ask(event, _asker(meeting["anna"]), "Bitte freigeben")
    auth.login_participant(meeting["anna"])
    base = f"/organiser/events/{event.slug}/questions"
    for url, data in ((f"{base}/{question.id}/approve", {}), (f"{base}/{question.id}/merge",
                                                             {"into": question.id}),
                      (f"{base}/screen", {}), (f"{base}/settings", {"naming": "named"})):
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == QuestionStatus.PENDING


def test_the_moderator_approves_on_the_page_and_shows_the_questions(
        orga, organiser, meeting):
    event = meeting["event"]
    question = questions.ask(event, _asker(meeting["anna"]), "Frage an das Podium")
    base = f"/organiser/events/{event.slug}/questions"
    page = orga.get(base).get_data(as_text=True)
    assert_valid_html(page, base)
    assert "Frage an das Podium" in page
    assert orga.post(f"{base}/{question.id}/approve", data={}).status_code == 303
    assert orga.post(f"{base}/{question.id}/approve", data={}).status_code == 409
    assert orga.post(f"{base}/screen", data={"item": ""}).status_code == 303
    stage = orga.get(f"/screen/{event.slug}/stage").get_data(as_text=True)
    assert "Frage an das Podium" in stage and "stage-questions" in stage


def _written_with(question_id: int) -> list[str]:
    """PostgreSQL: the tables with a row that the question's last transaction wrote (xmin)."""
    db.session.commit()
    xmin = db.session.scalar(text("SELECT xmin::text::bigint FROM questions WHERE id = :id"),
                             {"id": question_id})
    return [table.name for table in db.metadata.sorted_tables if table.name != "questions"
            and db.session.scalar(text(f"SELECT count(*) FROM {table.name} "  # noqa: S608
                                       "WHERE xmin::text::bigint = :x"), {"x": xmin})]


def test_a_database_reader_cannot_join_an_anonymous_question_to_a_person(
        organiser, meeting):
    event = meeting["event"]
    question = questions.ask(event, _asker(meeting["anna"]), "Anonyme Frage")
    if db.engine.dialect.name == "postgresql":
        # Asking wrote no row in any other table (no xmin join to a person).
        assert _written_with(question.id) == []
    questions.moderate(organiser, event, question.id, "approve")
    questions.upvote(event, _asker(meeting["ben"]), question.id)
    if db.engine.dialect.name == "postgresql":
        # The upvote wrote its token and counted the version up: nothing that names Ben.
        assert _written_with(question.id) == ["live_states", "question_upvotes"]
    # The question keeps only its text and where it belongs: no user, card, name or time.
    assert set(Question.__table__.columns.keys()) == {
        "id", "event_id", "agenda_item_id", "text", "author_name", "status", "upvotes",
        "merged_into_id"}
    assert db.session.get(Question, question.id).author_name is None
    # An upvote is a keyed hash of question and person: without the app's secret key no id
    # or name gives it, and two upvotes of one person do not share it.
    assert set(QuestionUpvote.__table__.columns.keys()) == {"token", "question_id"}
    tokens = list(db.session.scalars(select(QuestionUpvote.token)))
    assert len(tokens) == 1 and len(tokens[0]) == 32


def test_card_holders_ask_and_upvote_once(client, organiser, meeting):
    from eventapp.awards import cards

    event = meeting["event"]
    card = cards.create_cards(organiser, event, 1)[0]
    code = cards.code_of(card)
    client.post(f"/events/{event.slug}/vote/card", data={"code": code})
    question = questions.ask(event, questions.Asker(f"card:{card.id}"), "Karte fragt")
    questions.moderate(organiser, event, question.id, "approve")
    url = f"/events/{event.slug}/questions/{question.id}/upvote"
    assert client.post(url, data={}).status_code == 303
    assert client.post(url, data={}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, question.id).upvotes == 1


def test_the_export_gives_the_questions_with_their_upvotes(orga, organiser, meeting):
    event = meeting["event"]
    anna = _asker(meeting["anna"])
    shown = questions.ask(event, anna, "=Formel?", name="Anna")
    hidden = questions.ask(event, anna, "Versteckt")
    questions.moderate(organiser, event, shown.id, "approve")
    questions.moderate(organiser, event, hidden.id, "hide")
    questions.upvote(event, anna, shown.id)
    db.session.expire_all()
    body = orga.get(f"/organiser/events/{event.slug}/export/questions.csv").get_data(
        as_text=True)
    assert "'=Formel?;Anna;" in body and ";1\r\n" in body and "Versteckt" not in body


def test_asking_and_upvoting_are_rate_limited(app, meeting):
    from eventapp import create_app

    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SUPPRESS_SEND": True,
                          "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    client = limited.test_client()
    url = f"/events/{meeting['event'].slug}/questions"
    try:
        asked = [client.post(url, data={"text": "Noch eine Frage?"}).status_code
                 for _ in range(6)]
        upvoted = [client.post(f"{url}/1/upvote", data={}).status_code for _ in range(61)]
    finally:
        with limited.app_context():
            db.engine.dispose()
    assert asked == [403] * 5 + [429]  # not a participant, and then too often
    assert upvoted == [403] * 60 + [429]


def test_the_event_page_leads_to_the_questions(client, organiser, meeting):
    event = meeting["event"]
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f"/events/{event.slug}/questions" in page
    questions.save_settings(organiser, event, open=False, moderated=True,
                            naming=Naming.NAMED_OR_ANONYMOUS)
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f"/events/{event.slug}/questions" not in page  # closed, and nothing shown
