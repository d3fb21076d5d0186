"""Seats under a crowd: many people click at once on real, separate connections.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import pytest
from sqlalchemy import func, select

from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration import services as registration
from eventapp.registration.models import Registration, RegistrationRequest

from ..helpers import row, run_in_threads, sessions_of

pytestmark = pytest.mark.concurrency


@pytest.fixture
def waiting_forms(app, monkeypatch):
    """Send registration forms through the service; returns the tokens of their mailed links."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    tokens = []
    real_new_token = registration.new_token

    def remember():
        token, token_hash = real_new_token()
        tokens.append(token)
        return token, token_hash

    monkeypatch.setattr(registration, "new_token", remember)

    def send(event, count, prefix, session_ids=()):
        for index in range(count):
            registration.register(event, name=f"Person {index}", organisation="",
                                  email=f"{prefix}{index}@example.org", consent=True,
                                  public_listing=False, session_ids=session_ids)
        return list(tokens[-count:])

    return send


def test_fifty_confirmations_for_ten_seats_take_exactly_ten(app, create_event, waiting_forms):
    event = create_event(sessions=(("Kleine Runde", 10),))
    session_id = sessions_of(event)[0].id
    tokens = waiting_forms(event, 50, "race", [session_id])

    def confirm_one(index):
        with app.app_context():  # its own session and connection
            if registration.confirm_registration(tokens[index]) is None:
                raise AssertionError("link refused")

    errors = [r for r in run_in_threads(50, confirm_one) if r is not None]

    assert errors == []
    session = row(BreakoutSession, session_id)
    assert session.seats_taken == 10
    statuses = db.session.scalars(select(BreakoutChoice.status).where(
        BreakoutChoice.session_id == session_id)).all()
    assert statuses.count("seated") == 10
    assert statuses.count("waitlisted") == 40
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 50


def test_registered_people_racing_for_the_last_seats(app, create_event, register):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=(("Kleine Runde", 10), ("Große Runde", 100)))
    small = sessions_of(event)[0]
    registration_ids = [register(event).id for _ in range(30)]
    small_id = small.id

    def choose(index):
        with app.app_context():
            reg = db.session.get(Registration, registration_ids[index])
            registration.choose_breakout(reg, small_id)

    errors = [r for r in run_in_threads(30, choose) if r is not None]

    assert errors == []
    assert row(BreakoutSession, small_id).seats_taken == 10
    seated = db.session.scalar(select(func.count()).select_from(BreakoutChoice).where(
        BreakoutChoice.session_id == small_id, BreakoutChoice.status == "seated"))
    assert seated == 10


def test_event_places_are_never_overbooked(app, create_event, waiting_forms):
    event = create_event(capacity=5, sessions=())
    event_id = event.id
    tokens = waiting_forms(event, 25, "place")

    def confirm_one(index):
        with app.app_context():
            registration.confirm_registration(tokens[index])

    errors = [r for r in run_in_threads(25, confirm_one) if r is not None]

    assert errors == []
    assert row(Event, event_id).registered_count == 5
    statuses = db.session.scalars(select(Registration.status)).all()
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 20


def test_concurrent_writers_over_http_never_see_a_locked_database(app, create_event):
    """SQLite has one writer at a time; the others wait (busy timeout), nobody gets an error."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=(("Kleine Runde", 5),))
    slug, slot, session_id = event.slug, sessions_of(event)[0].slot_id, sessions_of(event)[0].id

    def register_over_http(index):
        client = app.test_client()
        response = client.post(f"/events/{slug}/register", data={
            "name": f"P{index}", "email": f"http{index}@example.org", "consent": "y",
            f"slot_{slot}": str(session_id)})
        return response.status_code

    statuses = run_in_threads(30, register_over_http)

    assert statuses == [302] * 30
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 30


def test_places_reserved_for_guests_never_go_to_the_public_in_a_crowd(app, create_event,
                                                                      waiting_forms, organiser,
                                                                      monkeypatch):
    from eventapp.invitations import services as invitations
    from eventapp.registration.models import ReservedPlace

    event = create_event(capacity=10, sessions=())
    event_id = event.id
    invitations.update_settings(organiser, event, invitation_only=False, reserved={"vip": 4})
    public = waiting_forms(event, 20, "public")
    guest_tokens = []
    real_new_token = invitations.new_token

    def remember():
        token, token_hash = real_new_token()
        guest_tokens.append(token)
        return token, token_hash

    monkeypatch.setattr(invitations, "new_token", remember)
    invitations.add_guests(organiser, event, text="\n".join(
        f"VIP {index}; vip{index}@example.org; ; VIP" for index in range(8)))
    invitations.send_invitations(organiser, event)
    work = [("public", token) for token in public] + [("vip", token) for token in guest_tokens]

    def answer(index):
        kind, token = work[index]
        with app.app_context():
            if kind == "public":
                registration.confirm_registration(token)
            else:
                invitations.accept_invitation(token)

    errors = [r for r in run_in_threads(len(work), answer) if r is not None]

    assert errors == []
    assert row(Event, event_id).registered_count == 10
    rows = db.session.execute(select(Registration.category, Registration.status)).all()
    confirmed_vips = sum(1 for c, s in rows if c == "vip" and s == "confirmed")
    confirmed_public = sum(1 for c, s in rows if c is None and s == "confirmed")
    assert confirmed_vips + confirmed_public == 10
    assert confirmed_vips >= 4 and confirmed_public <= 6
    assert db.session.get(ReservedPlace, (event_id, "vip")).taken == 4
