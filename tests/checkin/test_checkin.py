"""Check-in: tickets in the mail and on the page, the desk by scan or by name, counts."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from eventapp.audit.models import AuditLog
from eventapp.database import write_transaction
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration.models import Registration
from eventapp.registration.tickets import ticket_code

from ..helpers import confirm_link


def test_confirmation_mail_carries_the_ticket(client, create_event, mailbox):
    event = create_event(format="in_person")
    client.post(f"/events/{event.slug}/register", data={
        "name": "Anna", "email": "anna@example.org", "consent": "y"})
    client.get(confirm_link(mailbox[0]))
    attachments = [part.get_filename() for part in mailbox[-1].iter_attachments()]
    assert attachments == ["ticket.png"]


def test_participant_sees_the_ticket(client, auth, create_event, register):
    person = register(create_event(format="in_person"))
    auth.login_participant(person.user)
    page = client.get(f"/events/{person.event.slug}/me/ticket").get_data(as_text=True)
    assert "<svg" in page and person.user.name in page


def test_desk_checks_in_a_scanned_ticket_once(client, auth, create_event, register):
    event = create_event()
    person = register(event, name="Anna Schmidt")
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/checkin"

    first = client.post(url, data={"ticket": ticket_code(person)})
    again = client.post(url, data={"ticket": ticket_code(person)})

    assert first.status_code == 303
    assert again.status_code == 409 and "bereits" in again.get_data(as_text=True)
    assert db.session.get(Registration, person.id).checked_in_at is not None
    assert client.get(f"{url}/counts").get_json() == {"checked_in": 1, "confirmed": 1}


def test_desk_refuses_forged_and_foreign_tickets(client, auth, create_event, register):
    event, other = create_event(), create_event()
    stranger = register(other)
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/checkin"
    assert client.post(url, data={"ticket": "forged.ticket"}).status_code == 404
    assert client.post(url, data={"ticket": ticket_code(stranger)}).status_code == 404
    assert client.post(url, data={}).status_code == 422
    assert db.session.get(Registration, stranger.id).checked_in_at is None


def test_an_empty_ticket_code_is_named_at_its_field(client, auth, create_event):
    event = create_event()
    auth.login_organiser()
    answer = client.post(f"/organiser/events/{event.slug}/checkin", data={"ticket": ""})
    assert answer.status_code == 422
    assert re.search(r'id="ticket"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="ticket"',
                     answer.get_data(as_text=True))


def test_desk_finds_people_by_name_and_checks_them_in(client, auth, create_event, register):
    event = create_event()
    person = register(event, name="Björn Öztürk", organisation="Ölmühle")
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/checkin"
    page = client.get(f"{url}?q=björn").get_data(as_text=True)
    assert "Björn Öztürk" in page
    assert re.search(rf'name="registration_id" value="{person.id}"', page)
    assert client.post(url, data={"registration_id": person.id}).status_code == 303
    assert client.post(url, data={"registration_id": 99999}).status_code == 404


@pytest.mark.parametrize("typed", ["öztürk", "ÖZTÜRK", "Ölmühle", "ÖLMÜHLE"])
def test_desk_search_ignores_the_case_of_umlauts(client, auth, create_event, register, typed):
    # SQLite's own lower() knows only A to Z: "Ö" stayed "Ö" and Öztürk was not found.
    event = create_event()
    register(event, name="Björn Öztürk", organisation="Ölmühle")
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/checkin?q={typed}").get_data(as_text=True)
    assert "Björn Öztürk" in page


def test_a_second_check_in_says_when_the_first_was_in_berlin_time(client, auth, create_event,
                                                                  register):
    event = create_event()
    person = register(event, name="Anna Schmidt")
    with write_transaction():  # 12:05 UTC is 13:05 in Berlin (winter)
        db.session.execute(update(Registration).where(Registration.id == person.id).values(
            checked_in_at=datetime(2023, 1, 20, 12, 5, tzinfo=UTC)))
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/checkin"
    again = client.post(url, data={"ticket": ticket_code(person)})
    assert again.status_code == 409 and "13:05" in again.get_data(as_text=True)
    client.post("/auth/language", data={"lang": "en"})
    again = client.post(url, data={"ticket": ticket_code(person)})
    assert "1:05\u202fPM" in again.get_data(as_text=True)


WALK_IN = {"name": "Walter Walk", "email": "walter@example.org", "organisation": "Netzwerk Süd",
           "consent": "y"}


def test_desk_registers_a_walk_in_confirmed_and_checked_in(client, auth, create_event,
                                                           mailbox):
    event = create_event(format="hybrid", venue="Berlin", capacity=10)
    auth.login_organiser()
    desk = f"/organiser/events/{event.slug}/checkin"
    assert 'action="/organiser/events/' in client.get(desk).get_data(as_text=True)

    response = client.post(f"{desk}/walk-in", data=WALK_IN)

    assert response.status_code == 303  # back to the desk, which shows them
    assert response.headers["Location"] == f"{desk}?q=Walter+Walk"
    assert "Walter Walk" in client.get(desk).get_data(as_text=True)
    (saved,) = db.session.scalars(select(Registration)).all()
    assert (saved.status, saved.attendance_mode) == ("confirmed", "in_person")
    assert saved.checked_in_at is not None and saved.user.organisation == "Netzwerk Süd"
    assert db.session.get(Event, event.id).registered_count == 1
    (message,) = mailbox  # the personal link (to vote on the phone) and the ticket
    assert message["To"] == "walter@example.org"
    assert [part.get_filename() for part in message.iter_attachments()] == ["ticket.png"]
    assert client.get(f"{desk}/counts").get_json() == {"checked_in": 1, "confirmed": 1}
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.action == "checkin.walk_in")) is not None


@pytest.mark.parametrize(("change", "status", "message"), [
    ({"consent": None}, 422, "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu."),
    ({"email": "kaputt"}, 422, "Ungültige E-Mail-Adresse."),
    ("full", 409, "Die Veranstaltung ist ausgebucht."),
    ("registered", 409, "ist bereits angemeldet"),
])
def test_desk_refuses_a_walk_in_it_cannot_take(client, auth, create_event, register, mailbox,
                                               change, status, message):
    event = create_event(capacity=1)
    if change == "full":
        register(event)
    elif change == "registered":
        register(event, email="walter@example.org", name="Walter Walk")
    before = db.session.scalars(select(Registration.id)).all()
    mailbox.clear()
    auth.login_organiser()
    data = {**WALK_IN, **change} if isinstance(change, dict) else WALK_IN

    response = client.post(f"/organiser/events/{event.slug}/checkin/walk-in",
                           data={k: v for k, v in data.items() if v is not None})

    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Registration.id)).all() == before
    assert all(r.checked_in_at is None for r in db.session.scalars(select(Registration)))
    assert mailbox == []


def test_only_organisers_register_walk_ins(client, auth, create_event, register):
    event = create_event()
    auth.login_participant(register(event).user)

    response = client.post(f"/organiser/events/{event.slug}/checkin/walk-in", data=WALK_IN)

    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
