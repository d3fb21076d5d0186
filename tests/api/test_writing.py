"""Writing through the API: registering (the form's rules and messages, the double opt-in
mail, no place until confirmed) and cancelling; cookie sessions write nothing."""

from sqlalchemy import select

from eventapp.api.models import TokenScope
from eventapp.extensions import db
from eventapp.registration.models import Registration, RegistrationRequest, RegistrationStatus

from ..helpers import confirm_link, count_rows, reloaded, sessions_of
from .conftest import bearer

PERSON = {"name": "Anna Schmidt", "email": "anna@example.org", "organisation": "Netz e. V.",
          "consent": True}


def _url(event) -> str:
    return f"/api/v1/events/{event.slug}/registrations"


def test_a_crm_import_mails_the_opt_in_and_holds_no_place_until_confirmed(
        client, create_event, make_token, mailbox):
    event = create_event(capacity=1)
    session = sessions_of(event)[0]
    token = make_token(event.network, [TokenScope.WRITE_REGISTRATIONS])
    answer = client.post(_url(event), json={**PERSON, "session_ids": [session.id]},
                         headers=bearer(token, "en"))
    assert answer.status_code == 202
    assert "link to confirm" in answer.get_json()["message"]
    assert count_rows(RegistrationRequest) == 1
    assert count_rows(Registration) == 0
    assert reloaded(event).registered_count == 0 and reloaded(session).seats_taken == 0
    (message,) = mailbox
    assert message["To"] == "anna@example.org"
    client.get(confirm_link(message))  # the person opens the link
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert reloaded(event).registered_count == 1 and reloaded(session).seats_taken == 1


def test_the_forms_rules_and_messages_in_german_and_english(client, create_event, make_token):
    event = create_event(format="hybrid", venue="Berlin")
    token = make_token(event.network, [TokenScope.WRITE_REGISTRATIONS])
    german = client.post(_url(event), json={**PERSON, "consent": False}, headers=bearer(token))
    assert german.status_code == 422
    assert german.get_json()["message"] == "Bitte prüfen Sie Ihre Eingaben."
    assert german.get_json()["errors"]["consent"] == [
        "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu."]
    assert "attendance_mode" in german.get_json()["errors"]  # a hybrid meeting asks
    english = client.post(_url(event), json={**PERSON, "email": "kein-mail", "consent": False},
                          headers=bearer(token, "en"))
    errors = english.get_json()["errors"]
    assert errors["consent"] == ["Please agree to the processing of your data."]
    assert errors["email"] == ["Invalid email address."]
    assert count_rows(RegistrationRequest) == 0


def test_a_closed_registration_and_an_unknown_session_are_refused(client, create_event,
                                                                  make_token):
    open_event = create_event()
    token = make_token(open_event.network, [TokenScope.WRITE_REGISTRATIONS])
    unknown = client.post(_url(open_event), json={**PERSON, "session_ids": [999]},
                          headers=bearer(token, "en"))
    assert unknown.status_code == 422
    assert unknown.get_json()["message"] == (
        "This breakout session is not offered at this event.")
    closed = create_event(registration_closes_at=open_event.starts_at.replace(year=2000))
    refused = client.post(_url(closed), json=PERSON, headers=bearer(token))
    assert refused.status_code == 409
    assert "nicht geöffnet" in refused.get_json()["message"]
    wrong_type = client.post(_url(open_event), json={**PERSON, "session_ids": "eins"},
                             headers=bearer(token, "en"))
    assert wrong_type.status_code == 422
    assert "session_ids" in wrong_type.get_json()["errors"]["json"]
    assert count_rows(RegistrationRequest) == 0


def test_cancelling_frees_the_place_and_mails_the_person(client, create_event, register,
                                                         make_token, mailbox):
    event = create_event()
    registration = register(event)
    other_event = create_event()
    foreign = register(other_event, email="anders@example.org")
    token = make_token(event.network, [TokenScope.WRITE_REGISTRATIONS])
    mailbox.clear()
    url = f"{_url(event)}/{registration.id}"
    assert client.delete(url, headers=bearer(token)).status_code == 204
    assert reloaded(registration).status == RegistrationStatus.CANCELLED
    assert reloaded(event).registered_count == 0
    assert [m["To"] for m in mailbox] == [registration.user.email]
    assert client.delete(url, headers=bearer(token)).status_code == 204  # cancelled already
    # another event's registration is not this event's
    other = client.delete(f"{_url(event)}/{foreign.id}", headers=bearer(token, "en"))
    assert other.status_code == 404
    assert other.get_json()["message"] == "You are not registered for this event."
    assert reloaded(foreign).status == RegistrationStatus.CONFIRMED


def test_a_cookie_session_writes_nothing_through_the_api(client, orga, create_event, register):
    event = create_event()
    registration = register(event)
    # no CSRF token: the check of any form
    assert client.delete(f"{_url(event)}/{registration.id}").status_code == 400
    assert super(type(client), client).post(_url(event), json=PERSON).status_code == 400
    # with the session's CSRF token: still no token of the network
    headers = {"X-CSRFToken": client.csrf_token()}
    assert client.delete(f"{_url(event)}/{registration.id}", headers=headers).status_code == 401
    assert client.post(_url(event), json=PERSON, headers=headers).status_code == 401
    assert reloaded(registration).status == RegistrationStatus.CONFIRMED
    assert count_rows(RegistrationRequest) == 0
