"""Publishing the breakout allocation twice at once, while late registrants take seats
first come: it is published once and no session is overbooked. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""

import pytest
from sqlalchemy import func, select

from eventapp.allocation import services as allocation
from eventapp.allocation.models import AllocationMode, BreakoutAllocation
from eventapp.auth.models import User
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession, ChoiceStatus
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration.models import Registration
from eventapp.registration.services import choose_breakout

from ..helpers import run_in_threads, sessions_of

pytestmark = pytest.mark.concurrency


def test_two_publishers_and_late_choosers_never_overbook(app, organiser, create_event,
                                                          register):
    event = create_event(sessions=(("Klein", 3), ("Groß", 5)))
    small, large = sessions_of(event)
    allocation.save_settings(organiser, event, AllocationMode.RANKED, None)
    ranked = [register(event) for _ in range(10)]
    for person in ranked:
        allocation.save_ranking(person, small.slot_id, [small.id, large.id])
    late = [register(event) for _ in range(4)]
    allocation.run(organiser, event, seed=3)
    event_id, organiser_id = event.id, organiser.id
    late_ids = [person.id for person in late]

    def act(index):
        with app.app_context():  # its own session and connection
            current = db.session.get(Event, event_id)
            if index < 2:
                return allocation.publish(db.session.get(User, organiser_id), current)
            person = db.session.get(Registration, late_ids[index - 2])
            try:
                choose_breakout(person, small.id)
            except allocation.Conflict as error:
                return error
            return "chosen"

    results = run_in_threads(6, act)

    published = [r for r in results[:2] if isinstance(r, int)]
    assert len(published) == 1 and isinstance(
        [r for r in results[:2] if not isinstance(r, int)][0], allocation.AlreadyPublished)
    db.session.rollback()  # read what the threads committed
    for session in db.session.scalars(select(BreakoutSession)):
        seated = db.session.scalar(select(func.count()).select_from(BreakoutChoice).where(
            BreakoutChoice.session_id == session.id,
            BreakoutChoice.status == ChoiceStatus.SEATED))
        assert session.seats_taken == seated <= session.capacity
    assert db.session.get(BreakoutAllocation, event_id).published_at is not None
