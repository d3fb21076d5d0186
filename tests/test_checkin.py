"""Check-in: tickets in the mail and on the page, the desk by scan or by name, counts."""

import re

from eventapp.extensions import db
from eventapp.registration.models import Registration
from eventapp.registration.tickets import ticket_code


def test_confirmation_mail_carries_the_ticket(client, create_event, mailbox):
    event = create_event()
    client.post(f"/events/{event.slug}/register", data={
        "name": "Anna", "email": "anna@example.org", "consent": "y"})
    attachments = [part.get_filename() for part in mailbox[-1].iter_attachments()]
    assert attachments == ["ticket.png"]


def test_participant_sees_the_ticket(client, auth, create_event, register):
    person = register(create_event())
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
