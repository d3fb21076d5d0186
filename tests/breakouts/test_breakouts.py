"""Seat accounting of breakout sessions (eventapp.breakouts.services): seats never exceed the
capacity, a freed seat goes to the waitlist in order, cancelling gives back everything, and
organisers cannot shrink or delete a session under the people who chose it."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from eventapp.breakouts import services as breakouts
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.database import write_transaction
from eventapp.errors import Conflict, InvalidInput, NotFound
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.registration import services as registration
from eventapp.registration.models import Registration

from ..helpers import reloaded, run_in_threads, sessions_of


def _choose(person, session):
    with write_transaction():
        return breakouts.choose(person.id, session)


def _leave(person, session) -> list[int]:
    with write_transaction():
        return breakouts.leave_slot(person.id, session.slot_id)


def _status(person, session) -> str | None:
    db.session.expire_all()
    choice = breakouts.choices_of(person.id).get(session.slot_id)
    return None if choice is None or choice.session_id != session.id else choice.status


def _assert_counter_matches_the_seats(session) -> None:
    """The kept counter equals the seated choices and stays within the capacity."""
    fresh = reloaded(session)
    seated = db.session.scalar(select(func.count()).select_from(BreakoutChoice).where(
        BreakoutChoice.session_id == session.id, BreakoutChoice.status == "seated"))
    assert fresh.seats_taken == seated <= fresh.capacity


def _update(organiser, session, slot=None, **changes):
    """Save the organiser's form for a session with some fields changed."""
    values = {"title": session.title, "description": session.description, "host": session.host,
              "capacity": session.capacity, **changes}
    return breakouts.update_session(organiser, session, slot or session.slot, **values)


@pytest.fixture
def small_session(create_event):
    """An event whose first session has 2 seats; returns (event, session)."""
    event = create_event(sessions=(("Klein", 2), ("Groß", 50)))
    return event, sessions_of(event)[0]


# --- seats and capacity -------------------------------------------------------------------


def test_seats_never_exceed_the_capacity(small_session, register):
    event, session = small_session
    people = [register(event) for _ in range(5)]

    statuses = [_choose(person, session).status for person in people]

    assert statuses == ["seated", "seated", "waitlisted", "waitlisted", "waitlisted"]
    assert reloaded(session).seats_taken == 2 and reloaded(session).free_seats == 0
    _assert_counter_matches_the_seats(session)


def test_the_database_refuses_an_overbooked_counter_whatever_the_code(small_session):
    _event, session = small_session

    with pytest.raises(IntegrityError), write_transaction():
        db.session.execute(update(BreakoutSession).where(BreakoutSession.id == session.id)
                           .values(seats_taken=BreakoutSession.capacity + 1))

    assert reloaded(session).seats_taken == 0


def test_choosing_the_same_session_again_takes_no_second_seat(small_session, register):
    event, session = small_session
    person = register(event)

    first, again = _choose(person, session), _choose(person, session)

    assert first.id == again.id and reloaded(session).seats_taken == 1


def test_a_participant_holds_at_most_one_seat_per_slot(small_session, register):
    event, session = small_session
    other = sessions_of(event)[1]
    person = register(event)

    _choose(person, session)
    _choose(person, other)

    assert list(breakouts.choices_of(person.id)) == [session.slot_id]
    assert (reloaded(session).seats_taken, reloaded(other).seats_taken) == (0, 1)


def test_the_unique_constraint_refuses_a_second_choice_in_a_slot(small_session, register):
    event, session = small_session
    other = sessions_of(event)[1]
    person = register(event)
    _choose(person, session)

    with pytest.raises(IntegrityError), write_transaction():
        db.session.add(BreakoutChoice(registration_id=person.id, slot_id=other.slot_id,
                                      session_id=other.id, status="waitlisted"))
        db.session.flush()

    assert _status(person, session) == "seated"


def test_a_seat_holder_keeps_the_seat_when_the_new_session_is_full(create_event, register):
    event = create_event(sessions=(("Voll", 1), ("Frei", 5)))
    full, free = sessions_of(event)
    register(event, session_ids=[full.id])
    person = register(event, session_ids=[free.id])

    with pytest.raises(breakouts.SeatUnavailable) as refused:
        _choose(person, full)

    assert refused.value.status_code == 409
    assert _status(person, free) == "seated"
    assert (reloaded(full).seats_taken, reloaded(free).seats_taken) == (1, 1)


def test_a_waitlisted_participant_may_switch_to_another_waitlist(create_event, register):
    event = create_event(sessions=(("A", 1), ("B", 1)))
    first, second = sessions_of(event)
    register(event, session_ids=[first.id])
    register(event, session_ids=[second.id])
    person = register(event, session_ids=[first.id])

    _choose(person, second)

    assert _status(person, second) == "waitlisted"
    assert breakouts.waitlist_position(breakouts.choices_of(person.id)[second.slot_id]) == 1
    assert reloaded(first).seats_taken == reloaded(second).seats_taken == 1


def test_a_session_of_another_event_is_not_found(create_event):
    event, other = create_event(), create_event()

    with pytest.raises(NotFound):
        breakouts.get_session(event, sessions_of(other)[0].id)
    with pytest.raises(NotFound):
        breakouts.get_session(event, 99999)


# --- the waitlist -------------------------------------------------------------------------


def test_waitlist_positions_follow_the_order_of_joining(small_session, register):
    event, session = small_session
    people = [register(event, session_ids=[session.id]) for _ in range(5)]

    positions = [breakouts.waitlist_position(breakouts.choices_of(p.id)[session.slot_id])
                 for p in people[2:]]

    assert positions == [1, 2, 3]


def test_a_freed_seat_goes_to_the_first_in_line(small_session, register):
    event, session = small_session
    holder, _other_holder, first, second, third = (
        register(event, session_ids=[session.id]) for _ in range(5))

    promoted = _leave(holder, session)

    assert promoted == [first.id]
    assert [_status(p, session) for p in (first, second, third)] == \
        ["seated", "waitlisted", "waitlisted"]
    assert breakouts.waitlist_position(breakouts.choices_of(second.id)[session.slot_id]) == 1
    _assert_counter_matches_the_seats(session)

    assert _leave(first, session) == [second.id]
    assert [_status(p, session) for p in (second, third)] == ["seated", "waitlisted"]
    _assert_counter_matches_the_seats(session)


def test_moving_to_another_session_gives_the_old_seat_to_the_next_in_line(small_session,
                                                                          register):
    event, session = small_session
    other = sessions_of(event)[1]
    holder = register(event, session_ids=[session.id])
    register(event, session_ids=[session.id])
    waiting = register(event, session_ids=[session.id])

    _choose(holder, other)

    assert _status(waiting, session) == "seated"
    assert _status(holder, other) == "seated"
    _assert_counter_matches_the_seats(session)
    _assert_counter_matches_the_seats(other)


def test_leaving_a_waitlist_frees_no_seat(small_session, register):
    event, session = small_session
    holders = [register(event, session_ids=[session.id]) for _ in range(2)]
    first, second = (register(event, session_ids=[session.id]) for _ in range(2))

    assert _leave(first, session) == []

    assert all(_status(h, session) == "seated" for h in holders)
    assert _status(second, session) == "waitlisted"
    assert reloaded(session).seats_taken == 2


def test_leaving_a_slot_without_a_choice_changes_nothing(small_session, register):
    event, session = small_session
    person = register(event)
    register(event, session_ids=[session.id])

    assert _leave(person, session) == []
    assert reloaded(session).seats_taken == 1


# --- cancelling -----------------------------------------------------------------------------


def test_release_all_gives_back_every_seat_and_waitlist_place(create_event, register,
                                                              organiser):
    event = create_event(sessions=(("Vormittag", 1),))
    (morning,) = sessions_of(event)
    slot = events.add_agenda_item(organiser, event, starts_at=event.starts_at + timedelta(hours=3),
                                  ends_at=event.starts_at + timedelta(hours=4), kind="breakouts",
                                  title="Nachmittag", speaker="", affiliation="")
    afternoon = breakouts.add_session(organiser, slot, title="Nachmittag", description="",
                                      host="", capacity=1)
    person = register(event, session_ids=[morning.id, afternoon.id])
    waiting = register(event, session_ids=[morning.id])
    register(event, session_ids=[afternoon.id])

    with write_transaction():
        promoted = breakouts.release_all(person.id)

    assert breakouts.choices_of(person.id) == {}
    assert waiting.id in promoted and _status(waiting, morning) == "seated"
    assert len(promoted) == 2
    for session in (morning, afternoon):
        assert reloaded(session).seats_taken == 1
        _assert_counter_matches_the_seats(session)


def test_cancelling_a_registration_releases_its_seats(small_session, register):
    event, session = small_session
    person = register(event, session_ids=[session.id])
    register(event, session_ids=[session.id])
    waiting = register(event, session_ids=[session.id])

    registration.cancel(person)

    assert db.session.get(Registration, person.id).status == "cancelled"
    assert breakouts.choices_of(person.id) == {}
    assert _status(waiting, session) == "seated"
    _assert_counter_matches_the_seats(session)


def test_cancelling_a_waitlisted_registration_releases_its_waitlist_places(small_session,
                                                                          register):
    event, session = small_session
    holders = [register(event, session_ids=[session.id]) for _ in range(2)]
    person = register(event, session_ids=[session.id])

    registration.cancel(person)

    assert breakouts.choices_of(person.id) == {}
    assert all(_status(h, session) == "seated" for h in holders)
    assert reloaded(session).seats_taken == 2


# --- organisers changing sessions -----------------------------------------------------------


def test_capacity_cannot_be_lowered_below_the_seats_taken(small_session, register,
                                                          organiser):
    event, session = small_session
    for _ in range(2):
        register(event, session_ids=[session.id])

    with pytest.raises(InvalidInput) as refused:
        _update(organiser, session, capacity=1, title="Umbenannt")

    assert refused.value.status_code == 422
    fresh = reloaded(session)
    assert (fresh.capacity, fresh.seats_taken, fresh.title) == (2, 2, "Klein")


def test_capacity_may_be_lowered_to_exactly_the_seats_taken(create_event, register,
                                                            organiser):
    event = create_event(sessions=(("Klein", 5),))
    (session,) = sessions_of(event)
    for _ in range(2):
        register(event, session_ids=[session.id])

    _update(organiser, session, capacity=2)

    assert (reloaded(session).capacity, reloaded(session).free_seats) == (2, 0)
    assert _choose(register(event), session).status == "waitlisted"


@pytest.mark.parametrize("capacity", [0, -1, None])
def test_a_session_needs_at_least_one_seat(small_session, organiser, capacity):
    event, session = small_session

    with pytest.raises(InvalidInput):
        _update(organiser, session, capacity=capacity)
    with pytest.raises(InvalidInput):
        breakouts.add_session(organiser, session.slot, title="Leer", description="", host="",
                              capacity=capacity)

    assert reloaded(session).capacity == 2 and len(sessions_of(event)) == 2


def test_more_seats_go_to_the_waitlist_in_order(small_session, register, organiser):
    event, session = small_session
    people = [register(event, session_ids=[session.id]) for _ in range(5)]

    _update(organiser, session, capacity=4)

    assert [_status(p, session) for p in people] == \
        ["seated", "seated", "seated", "seated", "waitlisted"]
    _assert_counter_matches_the_seats(session)


def test_a_session_with_choices_cannot_be_deleted(small_session, register, organiser):
    event, session = small_session
    register(event, session_ids=[session.id])

    with pytest.raises(Conflict) as refused:
        breakouts.delete_session(organiser, session)

    assert refused.value.status_code == 409
    assert reloaded(session) is not None


def test_a_session_nobody_chose_can_be_deleted(small_session, register, organiser):
    event, session = small_session
    person = register(event, session_ids=[session.id])
    _leave(person, session)

    breakouts.delete_session(organiser, session)

    assert db.session.get(BreakoutSession, session.id) is None
    assert [s.title for s in sessions_of(event)] == ["Groß"]


def test_a_chosen_session_cannot_move_to_another_slot(small_session, register, organiser):
    event, session = small_session
    register(event, session_ids=[session.id])
    other_slot = events.add_agenda_item(
        organiser, event, starts_at=event.starts_at + timedelta(hours=3),
        ends_at=event.starts_at + timedelta(hours=4), kind="breakouts", title="Später",
        speaker="", affiliation="")

    with pytest.raises(Conflict):
        _update(organiser, session, slot=other_slot, capacity=5)

    fresh = reloaded(session)
    assert (fresh.slot_id, fresh.capacity) == (session.slot_id, 2)


def test_seat_overview_counts_seats_and_waitlists(small_session, register):
    event, session = small_session
    for _ in range(3):
        register(event, session_ids=[session.id])

    overview = {s.title: (s.seats_taken, waiting) for s, waiting in breakouts.seat_overview(event)}

    assert overview == {"Klein": (2, 1), "Groß": (0, 0)}


# --- at the same time ---------------------------------------------------------------------


def test_leaving_and_choosing_at_once_keep_the_counter_true(app, create_event, register):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=(("Klein", 3), ("Groß", 100)))
    small, _big = sessions_of(event)
    holders = [register(event, session_ids=[small.id]).id for _ in range(3)]
    newcomers = [register(event).id for _ in range(6)]
    small_id = small.id

    def act(index):
        with app.app_context():  # its own session and connection
            target = db.session.get(BreakoutSession, small_id)
            with write_transaction():
                if index < len(holders):
                    breakouts.leave_slot(holders[index], target.slot_id)
                else:
                    breakouts.choose(newcomers[index - len(holders)], target)

    errors = [r for r in run_in_threads(len(holders) + len(newcomers), act) if r is not None]

    assert errors == []
    db.session.rollback()  # see what the threads committed
    _assert_counter_matches_the_seats(small)
    assert reloaded(small).seats_taken == 3
    waiting = db.session.scalar(select(func.count()).select_from(BreakoutChoice).where(
        BreakoutChoice.session_id == small_id, BreakoutChoice.status == "waitlisted"))
    assert waiting == 3


@pytest.fixture
def slow_release(monkeypatch):
    """Make every release slow after it found the choice, so that two clicks overlap."""
    release = breakouts._release

    def slow(choice):
        time.sleep(0.2)
        return release(choice)

    monkeypatch.setattr(breakouts, "_release", slow)


def test_leaving_twice_at_once_gives_back_one_seat(app, create_event, register, slow_release):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=(("Klein", 1),))
    (small,) = sessions_of(event)
    holder = register(event, session_ids=[small.id])
    first, second = (register(event, session_ids=[small.id]) for _ in range(2))
    holder_id, slot_id = holder.id, small.slot_id

    def leave(_index):
        # Its own session and connection, like a second request.
        with app.app_context(), write_transaction():
            return breakouts.leave_slot(holder_id, slot_id)

    results = run_in_threads(3, leave)

    assert sorted(results, key=len) == [[], [], [first.id]]
    db.session.rollback()
    assert (_status(first, small), _status(second, small)) == ("seated", "waitlisted")
    _assert_counter_matches_the_seats(small)
    assert reloaded(small).seats_taken == 1
