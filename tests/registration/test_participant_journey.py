"""The participant's journey through the pages: register, mail, sign in by link, breakouts,
cancel, waitlist; and the auth pages that go with it."""

import re

import pytest
from sqlalchemy import func, select

from eventapp.auth.services import find_user_by_email
from eventapp.breakouts.models import BreakoutChoice
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration import services as registration
from eventapp.registration.models import Registration

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD, confirm_link, sessions_of

LINK = re.compile(r"http://eventapp\.test/auth/link/[\w-]+")


def _form(event, **overrides):
    data = {"name": "Anna Schmidt", "email": "anna@example.org", "organisation": "Netzwerk Nord",
            "consent": "y", "public_listing": "y"}
    data.update(overrides)
    return data


def _registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def _link(message) -> str:
    return LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(0)


# --- registering --------------------------------------------------------------------------


def test_registration_waits_for_the_mailed_link_then_mails_the_personal_link(client,
                                                                             create_event,
                                                                             mailbox):
    event = create_event()
    session_id = sessions_of(event)[0].id

    response = client.post(f"/events/{event.slug}/register",
                           data=_form(event, **{f"slot_{sessions_of(event)[0].slot_id}":
                                                 str(session_id)}))

    assert response.status_code == 302 and "/register/done" in response.headers["Location"]
    assert _registrations() == 0  # nothing is held before the link is opened
    (request_mail,) = mailbox
    assert request_mail["To"] == "anna@example.org"
    assert "bestätigen" in request_mail["Subject"]
    confirmed = client.get(confirm_link(request_mail))
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("/me")
    saved = db.session.scalar(select(Registration))
    assert saved.status == "confirmed" and saved.public_listing
    assert saved.consent_at is not None and saved.consent_version == "2022-01"
    assert db.session.scalar(select(BreakoutChoice.session_id)) == session_id
    message = mailbox[-1]
    assert message["To"] == "anna@example.org"
    assert "Ihre Anmeldung" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None  # and a plain-text part
    assert _link(message)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("consent", "", "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu."),
    ("email", "not-an-address", "E-Mail"),
    ("name", "", "Dieses Feld wird benötigt."),
])
def test_bad_registration_is_refused_next_to_the_field(client, create_event, field, value,
                                                       message):
    event = create_event()
    data = _form(event)
    if value:
        data[field] = value
    else:
        del data[field]

    response = client.post(f"/events/{event.slug}/register", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert _registrations() == 0


def test_registering_twice_keeps_one_registration(client, create_event, mailbox):
    event = create_event()
    client.post(f"/events/{event.slug}/register", data=_form(event))
    again = client.post(f"/events/{event.slug}/register",
                        data=_form(event, email="ANNA@Example.org", name="Anna S."))
    for message in list(mailbox):  # the two mails asking to confirm
        client.get(confirm_link(message))

    assert again.headers["Location"].endswith("/register/done")
    assert _registrations() == 1
    assert find_user_by_email("anna@example.org").name == "Anna Schmidt"


def test_full_event_puts_people_on_the_waitlist_and_a_cancellation_promotes(client, auth,
                                                                           create_event, mailbox):
    event = create_event(capacity=1)
    client.post(f"/events/{event.slug}/register", data=_form(event))
    client.post(f"/events/{event.slug}/register", data=_form(event, email="ben@example.org"))
    for message in list(mailbox):
        client.get(confirm_link(message))
        client.post("/auth/logout", data={})
    first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert (first.status, second.status) == ("confirmed", "waitlisted")

    auth.login_participant(first.user)
    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 303
    db.session.expire_all()
    assert (first.status, second.status) == ("cancelled", "confirmed")
    assert any(m["To"] == "ben@example.org" and "Platz" in m["Subject"] for m in mailbox)


def test_registration_when_closed_or_unknown_says_so(client, create_event):
    closed = create_event(registration_closes_at=create_event().starts_at.replace(year=2000),
                          registration_opens_at=None)
    response = client.post(f"/events/{closed.slug}/register", data=_form(closed))
    assert response.status_code == 409 and "nicht geöffnet" in response.get_data(as_text=True)
    assert client.get("/events/no-such-event/register").status_code == 404
    assert _registrations() == 0


def test_hybrid_event_asks_how_people_take_part(client, create_event, mailbox):
    event = create_event(format="hybrid", venue="Berlin")
    assert client.post(f"/events/{event.slug}/register", data=_form(event)).status_code == 422
    response = client.post(f"/events/{event.slug}/register",
                           data=_form(event, attendance_mode="in_person"))
    assert response.status_code == 302
    client.get(confirm_link(mailbox[0]))
    assert db.session.scalar(select(Registration.attendance_mode)) == "in_person"


# --- signed in by the link ----------------------------------------------------------------


def test_the_links_from_the_mails_sign_in_and_leave_the_address_bar(client, create_event,
                                                                     mailbox):
    event = create_event()
    client.post(f"/events/{event.slug}/register", data=_form(event))

    confirmed = client.get(confirm_link(mailbox[0]))
    client.post("/auth/logout", data={})
    response = client.get(_link(mailbox[-1]).replace("http://eventapp.test", ""))

    for answer in (confirmed, response):
        assert answer.status_code in (302, 303)
        assert "/link/" not in answer.headers["Location"]
        assert "/confirm/" not in answer.headers["Location"]
    page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)
    assert "Anna Schmidt" in page and "Angemeldet" in page


def test_a_wrong_link_is_refused_with_a_way_to_get_a_new_one(client):
    response = client.get("/auth/link/not-a-token", follow_redirects=True)
    assert "nicht mehr gültig" in response.get_data(as_text=True)


def test_participant_changes_and_leaves_breakouts(client, auth, create_event, register):
    event = create_event(sessions=(("Klein", 1), ("Groß", 10)))
    small, big = sessions_of(event)
    holder = register(event, session_ids=[small.id])
    person = register(event)
    auth.login_participant(person.user)
    url = f"/events/{event.slug}/me/breakouts"

    assert client.post(url, data={"session_id": small.id}).status_code == 303  # waitlist
    assert registration.breakouts.choices_of(person.id)[small.slot_id].status == "waitlisted"
    assert client.post(url, data={"session_id": big.id}).status_code == 303
    assert registration.breakouts.choices_of(person.id)[small.slot_id].session_id == big.id
    assert client.post(url, data={"session_id": "abc"}).status_code == 422
    assert client.post(url, data={"session_id": 99999}).status_code == 404
    leave = client.post(f"{url}/leave", data={"slot_id": big.slot_id})
    assert leave.status_code == 303
    assert registration.breakouts.choices_of(person.id) == {}
    assert registration.breakouts.choices_of(holder.id)[small.slot_id].status == "seated"


def test_cancel_needs_the_confirmation_tick(client, auth, create_event, register):
    event = create_event()
    person = register(event)
    auth.login_participant(person.user)
    response = client.post(f"/events/{event.slug}/me/cancel", data={})
    assert response.status_code == 422
    assert db.session.get(Registration, person.id).status == "confirmed"


def test_participant_pages_need_sign_in_and_are_personal(client, auth, create_event, register):
    event, other_event = create_event(), create_event()
    person = register(event)
    assert client.get("/me").status_code == 302
    assert client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"}).status_code \
        == 302
    auth.login_participant(person.user)
    assert client.get(f"/events/{other_event.slug}/me").status_code == 404
    assert client.post(f"/events/{other_event.slug}/me/cancel",
                       data={"confirm": "y"}).status_code == 404


def test_state_changes_need_the_csrf_token(client, auth, create_event, register):
    event = create_event()
    person = register(event)
    auth.login_participant(person.user)
    response = client.post(f"/events/{event.slug}/me/cancel",
                           data={"confirm": "y", "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.get(Registration, person.id).status == "confirmed"


# --- auth pages ---------------------------------------------------------------------------


def test_sign_in_page_mails_a_single_use_link_and_says_the_same_for_strangers(
        client, create_event, register, mailbox):
    register(create_event(), email="anna@example.org")
    mailbox.clear()
    known = client.post("/auth/sign-in", data={"email": "anna@example.org"},
                        follow_redirects=True).get_data(as_text=True)
    unknown = client.post("/auth/sign-in", data={"email": "nobody@example.org"},
                          follow_redirects=True).get_data(as_text=True)

    assert "Wenn wir diese Adresse kennen" in known and "Wenn wir diese Adresse kennen" in unknown
    (message,) = mailbox
    link = _link(message).replace("http://eventapp.test", "")
    assert client.get(link).status_code == 302
    client.post("/auth/logout", data={})
    assert "nicht mehr gültig" in client.get(link, follow_redirects=True).get_data(as_text=True)
    assert client.post("/auth/sign-in", data={"email": "x"}).status_code == 422


def test_organiser_login_answers_the_same_for_wrong_password_and_unknown_user(client,
                                                                              organiser):
    wrong = client.post("/auth/login", data={"email": ORGANISER_EMAIL, "password": "nope"})
    unknown = client.post("/auth/login", data={"email": "x@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "falsch" in wrong.get_data(as_text=True) and "falsch" in unknown.get_data(as_text=True)
    assert client.post("/auth/login", data={}).status_code == 422
    ok = client.post("/auth/login", data={"email": ORGANISER_EMAIL.upper(),
                                          "password": ORGANISER_PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/organiser/")


def test_participants_cannot_log_in_with_a_password(client, create_event, register):
    register(create_event(), email="anna@example.org")
    response = client.post("/auth/login", data={"email": "anna@example.org", "password": "x"})
    assert response.status_code == 401


def test_logout_needs_post_and_ends_the_session(client, auth, organiser):
    auth.login_organiser()
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout", data={}).status_code == 302
    assert client.get("/organiser/").status_code == 302


def test_language_switch_is_remembered_and_checked(client):
    client.post("/auth/language", data={"lang": "en", "next": "/"})
    assert "Events" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/language", data={"lang": "xx"}).status_code == 303
    bad_next = client.post("/auth/language", data={"lang": "de", "next": "https://evil.example"})
    assert bad_next.headers["Location"] == "/"


def test_create_organiser_command(runner, app):
    result = runner.invoke(args=["users", "create-organiser", "boss@example.org", "--name",
                                 "Boss", "--password", "a-long-password!"])
    assert result.exit_code == 0, result.output
    assert find_user_by_email("boss@example.org").is_organiser
    short = runner.invoke(args=["users", "create-organiser", "b2@example.org", "--password",
                                "short"])
    assert short.exit_code != 0 and "10" in short.output


def test_register_counter_matches_the_rows(create_event, register):
    event = create_event(capacity=3)
    for _ in range(4):
        register(event)
    assert db.session.get(Event, event.id).registered_count == 3


def test_mails_speak_the_recipients_language(client, create_event, mailbox):
    event = create_event()
    client.post("/auth/language", data={"lang": "en"})
    client.post(f"/events/{event.slug}/register", data=_form(event))
    assert mailbox[-1]["Subject"].startswith("Please confirm your registration")
    client.get(confirm_link(mailbox[-1]))
    assert mailbox[-1]["Subject"].startswith("Your registration")
    assert "Hello Anna Schmidt" in mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert find_user_by_email("anna@example.org").locale == "en"


def test_dates_and_times_follow_the_language(client, create_event):
    event = create_event()
    german = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert event.starts_at.astimezone().strftime("%d.%m.%Y") in german and " Uhr" in german
    client.post("/auth/language", data={"lang": "en"})
    english = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert " Uhr" not in english and event.starts_at.strftime("%b") in english
