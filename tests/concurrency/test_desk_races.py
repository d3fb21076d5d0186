"""Desks coming back online at once, on real, separate connections (SQLite and, with
TEST_DATABASE_URL, PostgreSQL): a queued action sent twice at the same moment is done once,
and someone two desks checked in offline is checked in once."""

import uuid

import pytest
from sqlalchemy import func, select

from eventapp.audit.models import AuditLog
from eventapp.auth.models import User
from eventapp.awards.models import Eligibility, Poll
from eventapp.checkin.models import DeskActionKind
from eventapp.checkin.services import apply_desk_action
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.models import Registration

from ..helpers import run_in_threads

pytestmark = pytest.mark.concurrency


def test_desks_sending_at_once_check_each_person_in_once(app, create_event, register,
                                                          organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, format="in_person", venue="Berlin", sessions=())
    people = [register(event, email=f"desk{i}@example.org").id for i in range(6)]
    poll = live.open_vote(organiser, event, "Vor Ort", eligibility=Eligibility.CHECKED_IN)
    event_id, organiser_id, poll_id = event.id, organiser.id, poll.id
    # Per person: one action sent twice at once (its answer lost), and another desk's action.
    sent = [(registration_id, action_id)
            for registration_id in people
            for action_id in [str(uuid.uuid4())] * 2 + [str(uuid.uuid4())]]

    def send(index):
        registration_id, action_id = sent[index]
        with app.test_request_context():
            return apply_desk_action(db.session.get(User, organiser_id),
                                     db.session.get(Event, event_id), action_id,
                                     DeskActionKind.CHECK_IN, registration_id)

    answers = run_in_threads(len(sent), send)

    db.session.rollback()
    assert not [a for a in answers if not isinstance(a, dict)], answers
    by_id = {}
    for answer in answers:
        by_id.setdefault(answer["id"], set()).add(answer["outcome"])
    assert all(len(outcomes) == 1 for outcomes in by_id.values()), by_id  # alike, each time
    checked_in = [a for a in answers if a["outcome"] == "checked_in"]
    assert sorted({a["registration"] for a in checked_in}) == sorted(people)
    assert len({a["id"] for a in checked_in}) == len(people)
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.checked_in_at.is_not(None))) == 6
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "checkin")) == 6
    assert db.session.get(Poll, poll_id).eligible_count == 6
