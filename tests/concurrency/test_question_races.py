"""Upvotes under a crowd, on real, separate connections (SQLite and, with TEST_DATABASE_URL,
PostgreSQL): the upvote's primary key decides, so each person counts once."""

import pytest

from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.questions import services as questions
from eventapp.questions.models import Question, QuestionUpvote

from ..helpers import count_rows, run_in_threads

pytestmark = pytest.mark.concurrency


def _upvote(app, event_id, question_id, person):
    with app.app_context():
        return questions.upvote(db.session.get(Event, event_id),
                                questions.Asker(f"user:{person}"), question_id)


def test_hundred_upvotes_by_fifty_people_make_fifty(app, create_event, organiser):
    event = create_event(sessions=())
    question = questions.ask(event, questions.Asker("user:0"), "Wie geht es weiter?")
    questions.moderate(organiser, event, question.id, "approve")
    event_id, question_id = event.id, question.id

    results = run_in_threads(100, lambda i: _upvote(app, event_id, question_id, i % 50))

    assert results.count(True) == 50 and results.count(False) == 50
    assert count_rows(QuestionUpvote) == 50
    assert db.session.get(Question, question_id).upvotes == 50
