"""Registering for an event and the participant's own page: consent, the confirmation mail
with the personal link, the waitlist, breakout choices, cancelling, and who may see what."""

import re
import time
from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eventapp.auth.models import User
from eventapp.auth.services import find_user_by_email
from eventapp.breakouts import services as breakouts
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.database import utcnow
from eventapp.errors import Conflict, InvalidInput
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.mailing.models import OutgoingMail
from eventapp.mailing.send import deliver_queued
from eventapp.registration import services as registration
from eventapp.registration.models import Registration, RegistrationRequest

from ..helpers import (
    assert_valid_html,
    confirm_link,
    count_rows,
    row,
    run_in_threads,
    sessions_of,
    soon,
)

LINK = re.compile(r"http://eventapp\.test(/auth/link/[\w-]+)")
CHECK_INPUT = "Bitte prüfen Sie Ihre Eingaben."
SIGN_IN = "/auth/sign-in"
BERLIN = ZoneInfo("Europe/Berlin")


def _form(**overrides):
    data = {"name": "Anna Schmidt", "email": "anna@example.org", "organisation": "Netzwerk Nord",
            "consent": "y", "public_listing": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _register(client, event, **overrides):
    return client.post(f"/events/{event.slug}/register", data=_form(**overrides))



def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> str:
    return LINK.search(_plain(message)).group(1)


def _choices(registration_id) -> dict:
    db.session.expire_all()
    return {slot_id: (choice.session_id, choice.status)
            for slot_id, choice in breakouts.choices_of(registration_id).items()}


def _seats(session) -> int:
    return row(BreakoutSession, session.id).seats_taken


def _page_after(client, response) -> str:
    """The page a redirect leads to (where the flashed message shows)."""
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def second_slot(organiser):
    """Add a second breakout slot to an event; returns its sessions."""

    def add(event, sessions=(("Nachmittag A", 5), ("Nachmittag B", 5))):
        slot = events.add_agenda_item(
            organiser, event, starts_at=event.starts_at + timedelta(hours=4),
            ends_at=event.starts_at + timedelta(hours=5), kind="breakouts",
            title="Breakouts am Nachmittag", speaker="", affiliation="")
        return [breakouts.add_session(organiser, slot, title=title, description="", host="",
                                      capacity=capacity) for title, capacity in sessions]

    return add


# --- the registration form ----------------------------------------------------------------


def test_registration_form_asks_for_name_email_consent_and_breakouts(client, create_event):
    event = create_event(sessions=(("Weiterbildung", 10), ("Wertschöpfung", 10)))

    response = client.get(f"/events/{event.slug}/register")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Anmeldung: {event.title}" in page
    for name in ("name", "email", "organisation", "consent", "public_listing"):
        assert f'name="{name}"' in page
    assert "Weiterbildung" in page and "Wertschöpfung" in page and "Keine Session" in page
    assert 'name="attendance_mode"' not in page  # online event: nothing to choose


def test_registration_form_is_prefilled_for_a_signed_in_participant(client, auth, create_event,
                                                                    register):
    person = register(create_event(), email="anna@example.org", name="Anna Schmidt")
    auth.login_participant(person.user)

    page = client.get(f"/events/{create_event().slug}/register").get_data(as_text=True)

    assert 'value="Anna Schmidt"' in page and 'value="anna@example.org"' in page


def test_registration_saves_consent_with_time_and_privacy_version(app, client, create_event,
                                                                  mailbox):
    event = create_event(format="in_person", venue="Berlin")
    before = utcnow()

    response = _register(client, event)
    after = utcnow()
    client.get(confirm_link(mailbox[0]))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}/register/done"
    saved = db.session.scalar(select(Registration))
    assert saved.status == "confirmed" and saved.event_id == event.id
    assert before <= saved.consent_at <= after  # consent is given with the form
    assert saved.consent_version == app.config["PRIVACY_TEXT_VERSION"]
    assert saved.public_listing and saved.attendance_mode == "in_person"
    user = saved.user
    assert (user.email, user.name, user.organisation, user.locale) == \
        ("anna@example.org", "Anna Schmidt", "Netzwerk Nord", "de")
    assert row(Event, event.id).registered_count == 1


def test_registration_succeeds_while_the_mail_server_is_down_and_the_mail_follows(
        app, client, create_event, mailbox):
    event = create_event()
    port, app.extensions["mail"].port = app.extensions["mail"].port, 1  # nobody listens there

    response = _register(client, event)

    assert response.status_code == 302
    assert count_rows(RegistrationRequest) == 1 and mailbox == []
    (queued,) = db.session.scalars(select(OutgoingMail)).all()
    assert queued.status == "queued" and queued.attempts == 1 and queued.last_error
    app.extensions["mail"].port = port
    queued.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_queued() == (1, 0)
    (message,) = mailbox
    assert message["To"] == "anna@example.org" and confirm_link(message)


def test_an_address_with_an_umlaut_before_the_at_goes_out_with_smtputf8(app, client,
                                                                        create_event, mailbox):
    app.config["MAIL_SMTPUTF8"] = True  # as the test server offers it

    response = _register(client, create_event(), email="Müller@Example.org")
    client.get(confirm_link(mailbox[0]))
    client.post(SIGN_IN, data={"email": "müller@example.org"})

    assert response.status_code == 302 and count_rows(Registration) == 1
    request, confirmation, sign_in_link = mailbox
    assert request["To"] == confirmation["To"] == sign_in_link["To"] == "müller@example.org"
    assert client.get(_link(sign_in_link)).status_code == 302


def test_without_smtputf8_such_an_address_is_refused_before_anything_is_saved(client,
                                                                            create_event,
                                                                            mailbox):
    registering = _register(client, create_event(), email="müller@example.org")
    asking_for_a_link = client.post(SIGN_IN, data={"email": "müller@example.org"})

    for response in (registering, asking_for_a_link):
        assert response.status_code == 422
        assert "Zeichen wie ü vor dem @" in response.get_data(as_text=True)
    assert count_rows(User) == 1  # the organiser
    assert count_rows(Registration) == count_rows(OutgoingMail) == 0 and mailbox == []
    assert count_rows(RegistrationRequest) == 0


def test_a_server_that_refuses_smtputf8_leaves_the_mail_queued_and_the_registration_stands(
        app, client, create_event, mailbox, smtp_server_without_smtputf8):
    app.config["MAIL_SMTPUTF8"] = True  # but this server does not offer it
    app.extensions["mail"].port = smtp_server_without_smtputf8[1]

    response = _register(client, create_event(), email="müller@example.org")

    assert response.status_code == 302 and count_rows(RegistrationRequest) == 1
    assert mailbox == []
    (queued,) = db.session.scalars(select(OutgoingMail)).all()
    assert queued.status == "queued" and "SMTPUTF8" in queued.last_error


def test_registration_mails_the_links_in_german(client, create_event, mailbox):
    event = create_event()

    response = _register(client, event)

    (request_mail,) = mailbox
    assert request_mail["To"] == "anna@example.org"
    text = _plain(request_mail)
    assert "Guten Tag Anna Schmidt" in text
    assert f"bitte bestätigen Sie Ihre Anmeldung zur Veranstaltung „{event.title}“ am" in text
    html = request_mail.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html and confirm_link(request_mail) in html
    done = _page_after(client, response)
    assert "Vielen Dank. Bitte bestätigen Sie Ihre Anmeldung" in done

    client.get(confirm_link(request_mail))

    confirmation = mailbox[-1]
    assert confirmation["Subject"] == f"Ihre Anmeldung: {event.title}"
    text = _plain(confirmation)
    assert f"vielen Dank für Ihre Anmeldung zur Veranstaltung „{event.title}“." in text
    assert "Wann: " in text
    assert "Ihr persönlicher Link" in text
    html = confirmation.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html and _link(confirmation) in html


def test_registration_with_a_breakout_choice_takes_a_seat(client, create_event, mailbox):
    event = create_event()
    session = sessions_of(event)[1]

    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})
    assert _seats(session) == 0  # not before the link is opened
    client.get(confirm_link(mailbox[0]))

    saved = db.session.scalar(select(Registration))
    assert _choices(saved.id) == {session.slot_id: (session.id, "seated")}
    assert _seats(session) == 1


def test_registration_for_a_full_session_joins_its_waitlist(client, create_event, register,
                                                            mailbox):
    event = create_event(sessions=(("Klein", 1),))
    (session,) = sessions_of(event)
    register(event, session_ids=[session.id])
    mailbox.clear()

    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})
    client.get(confirm_link(mailbox[0]))

    saved = db.session.scalar(select(Registration).where(
        Registration.user_id == find_user_by_email("anna@example.org").id))
    assert _choices(saved.id) == {session.slot_id: (session.id, "waitlisted")}
    assert _seats(session) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("consent", None, "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu."),
    ("email", "not-an-address", "Ungültige E-Mail-Adresse."),
    ("email", None, "Dieses Feld wird benötigt."),
    ("name", None, "Dieses Feld wird benötigt."),
    ("name", "x" * 201, "Feld kann nicht länger als 200 Zeichen sein."),
])
def test_bad_registration_is_refused_next_to_the_field_and_nothing_is_saved(
        client, create_event, mailbox, field, value, message):
    event = create_event()

    response = _register(client, event, **{field: value})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Netzwerk Nord"' in page  # what was typed is kept
    assert count_rows(Registration) == 0 and mailbox == []
    assert find_user_by_email("anna@example.org") is None


def test_an_unknown_breakout_session_is_refused_and_nothing_is_saved(client, create_event,
                                                                     mailbox):
    event = create_event()
    other = sessions_of(create_event())[0]
    slot_id = sessions_of(event)[0].slot_id

    response = _register(client, event, **{f"slot_{slot_id}": str(other.id)})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="slot_{slot_id}-error"' in page and "Keine gültige Auswahl." in page
    assert count_rows(Registration) == 0 and mailbox == []


def test_two_sessions_of_one_slot_are_refused(create_event):
    event = create_event()
    first, second = sessions_of(event)

    with pytest.raises(InvalidInput) as refused:
        registration.register(event, name="Anna", email="anna@example.org", organisation="",
                              consent=True, public_listing=False,
                              session_ids=[first.id, second.id])

    assert refused.value.status_code == 422
    assert count_rows(Registration) == 0 and _seats(first) == _seats(second) == 0


def test_two_forms_of_one_address_in_any_case_make_one_registration(client, create_event,
                                                                    mailbox):
    event = create_event()
    session = sessions_of(event)[0]
    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})
    _register(client, event, email="ANNA@Example.ORG", name="Someone Else", public_listing=None)
    first, second = (confirm_link(m) for m in mailbox)

    client.get(first)
    client.post("/auth/logout", data={})
    again = client.get(second)

    assert again.headers["Location"] == f"/events/{event.slug}/me"  # only signs in
    (saved,) = _registrations()
    assert saved.public_listing and saved.user.name == "Anna Schmidt"  # nothing overwritten
    assert _choices(saved.id) == {session.slot_id: (session.id, "seated")}
    assert row(Event, event.id).registered_count == 1


@pytest.mark.parametrize("window", ["closed", "not_yet_open", "over"])
def test_registration_outside_its_window_is_409_and_saves_nothing(client, create_event,
                                                                  mailbox, window):
    if window == "closed":
        event = create_event(registration_closes_at=utcnow() - timedelta(hours=1))
    elif window == "not_yet_open":
        event = create_event(registration_opens_at=utcnow() + timedelta(days=1))
    else:
        event = create_event(starts_at=soon(days=-3))

    form = client.get(f"/events/{event.slug}/register")
    sent = _register(client, event)

    assert form.status_code == sent.status_code == 409
    page = sent.get_data(as_text=True)
    assert "Die Anmeldung für diese Veranstaltung ist nicht geöffnet." in page
    assert 'name="consent"' not in page
    assert count_rows(Registration) == 0 and mailbox == []


def test_registration_for_an_unknown_or_draft_event_is_404(client, create_event, mailbox):
    draft = create_event(published=False)

    for slug in ("gibt-es-nicht", draft.slug):
        assert client.get(f"/events/{slug}/register").status_code == 404
        response = client.post(f"/events/{slug}/register", data=_form())
        assert response.status_code == 404
        assert "nicht veröffentlicht" in response.get_data(as_text=True)
    assert count_rows(Registration) == 0 and mailbox == []


def test_full_event_puts_the_next_person_on_the_waitlist(client, create_event, register,
                                                         mailbox):
    event = create_event(capacity=1)
    session = sessions_of(event)[0]
    register(event)
    mailbox.clear()
    assert "ausgebucht" in client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    response = _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})
    client.get(confirm_link(mailbox[0]))

    assert response.status_code == 302
    waiting = db.session.scalar(select(Registration).where(Registration.status == "waitlisted"))
    assert waiting.user.email == "anna@example.org" and waiting.waitlisted_at is not None
    assert _choices(waiting.id) == {}  # breakouts come with a confirmed place
    assert _seats(session) == 0
    assert row(Event, event.id).registered_count == 1
    assert "Warteliste" in _plain(mailbox[-1])


def test_hybrid_event_needs_the_attendance_mode(client, create_event, mailbox):
    event = create_event(format="hybrid", venue="Berlin")
    assert 'name="attendance_mode"' in client.get(
        f"/events/{event.slug}/register").get_data(as_text=True)

    missing = _register(client, event)
    wrong = _register(client, event, attendance_mode="teleport")

    for response, message in ((missing, "Bitte wählen Sie, ob Sie vor Ort oder online "
                                        "teilnehmen."), (wrong, "Keine gültige Auswahl.")):
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'id="attendance_mode-error"' in page and message in page
    assert count_rows(Registration) == 0 and mailbox == []

    assert _register(client, event, attendance_mode="online").status_code == 302
    client.get(confirm_link(mailbox[0]))
    assert db.session.scalar(select(Registration.attendance_mode)) == "online"


def test_done_page_is_404_for_an_unknown_event(client):
    assert client.get("/events/gibt-es-nicht/register/done").status_code == 404


# --- signed in with the link from the mail --------------------------------------------------


def test_the_personal_link_from_the_mail_signs_in_and_shows_the_registration(client,
                                                                             create_event,
                                                                             mailbox):
    event = create_event(online_link="https://meet.example.org/clustertreffen")
    _register(client, event)
    client.get(confirm_link(mailbox[0]))
    client.post("/auth/logout", data={})

    signed_in = client.get(_link(mailbox[-1]))
    me = client.get(signed_in.headers["Location"])

    assert me.status_code == 302 and me.headers["Location"] == f"/events/{event.slug}/me"
    page = client.get(me.headers["Location"]).get_data(as_text=True)
    assert event.title in page and "Anna Schmidt" in page and "anna@example.org" in page
    assert "Netzwerk Nord" in page and "Angemeldet" in page
    assert "https://meet.example.org/clustertreffen" in page  # only registered people see it


def test_me_lists_every_registration_of_the_participant(client, auth, create_event, register):
    first, second = create_event(), create_event()
    person = register(first, email="anna@example.org")
    register(second, email="anna@example.org")
    auth.login_participant(person.user)

    response = client.get("/me")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert first.title in page and second.title in page
    assert f'href="/events/{first.slug}/me"' in page


def test_me_without_registrations_says_so(client, auth, organiser):
    auth.login_organiser()

    page = client.get("/me").get_data(as_text=True)

    assert "Sie haben noch keine Anmeldungen." in page


def test_waitlisted_participant_sees_the_waitlist_but_not_the_online_link(client, auth,
                                                                         create_event, register):
    event = create_event(capacity=1, online_link="https://meet.example.org/geheim")
    register(event)
    waiting = register(event)
    auth.login_participant(waiting.user)

    page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)

    assert "Auf der Warteliste" in page
    assert "https://meet.example.org/geheim" not in page
    assert 'name="session_id"' not in page


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/me"),
    ("get", "/events/{slug}/me"),
    ("post", "/events/{slug}/me/breakouts"),
    ("post", "/events/{slug}/me/breakouts/leave"),
    ("post", "/events/{slug}/me/cancel"),
])
def test_anonymous_visitors_are_sent_to_sign_in(client, create_event, register, method, path):
    event = create_event()
    person = register(event)
    session = sessions_of(event)[0]
    url = path.format(slug=event.slug)
    data = {"session_id": session.id, "slot_id": session.slot_id, "confirm": "y"}

    response = client.get(url) if method == "get" else client.post(url, data=data)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{SIGN_IN}?next=")
    assert row(Registration, person.id).status == "confirmed" and _choices(person.id) == {}


def test_a_participant_sees_and_changes_only_their_own_registration(client, auth, create_event,
                                                                    register):
    event, other_event = create_event(), create_event()
    first, second = sessions_of(event)
    anna = register(event, email="anna@example.org", name="Anna Schmidt",
                    session_ids=[first.id])
    register(other_event, email="anna@example.org")
    ben = register(event, email="ben@example.org", name="Ben Becker")
    auth.login_participant(ben.user)

    page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)
    assert "Ben Becker" in page and "Anna Schmidt" not in page and "anna@" not in page
    assert client.post(f"/events/{event.slug}/me/breakouts",
                       data={"session_id": second.id}).status_code == 303
    assert client.post(f"/events/{event.slug}/me/cancel",
                       data={"confirm": "y"}).status_code == 303

    # Anna's event where Ben is not registered: nothing to see, nothing to change.
    assert client.get(f"/events/{other_event.slug}/me").status_code == 404
    for action, data in (("breakouts", {"session_id": sessions_of(other_event)[0].id}),
                         ("breakouts/leave", {"slot_id": sessions_of(other_event)[0].slot_id}),
                         ("cancel", {"confirm": "y"})):
        response = client.post(f"/events/{other_event.slug}/me/{action}", data=data)
        assert response.status_code == 404
        assert "nicht angemeldet" in response.get_data(as_text=True)

    assert row(Registration, anna.id).status == "confirmed"
    assert _choices(anna.id) == {first.slot_id: (first.id, "seated")}
    assert all(r.status == "confirmed" for r in registration.registrations_of(anna.user))
    assert row(Registration, ben.id).status == "cancelled"


# --- breakout choices on the participant's page -------------------------------------------


@pytest.fixture
def signed_in(client, auth, create_event, register):
    """A confirmed participant of a fresh event, signed in; returns (event, registration)."""

    def sign_in(**event_values):
        event = create_event(**event_values)
        person = register(event, email="anna@example.org")
        auth.login_participant(person.user)
        return event, person

    return sign_in


def _choose(client, event, session_id):
    return client.post(f"/events/{event.slug}/me/breakouts", data={"session_id": session_id})


def test_choosing_a_session_takes_a_seat(client, signed_in):
    event, person = signed_in()
    session = sessions_of(event)[0]

    response = _choose(client, event, session.id)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/events/{event.slug}/me"
    page = _page_after(client, response)
    assert "Ihre Wahl der Breakout-Session wurde gespeichert." in page and "Ihr Platz" in page
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}
    assert _seats(session) == 1


def test_changing_the_session_moves_the_seat(client, signed_in):
    event, person = signed_in()
    first, second = sessions_of(event)
    _choose(client, event, first.id)

    assert _choose(client, event, second.id).status_code == 303

    assert _choices(person.id) == {first.slot_id: (second.id, "seated")}
    assert (_seats(first), _seats(second)) == (0, 1)


def test_choosing_the_same_session_again_changes_nothing(client, signed_in):
    event, person = signed_in()
    session = sessions_of(event)[0]
    _choose(client, event, session.id)

    assert _choose(client, event, session.id).status_code == 303

    assert _seats(session) == 1 and count_rows(BreakoutChoice) == 1


def test_one_choice_per_slot_but_one_in_each_slot(client, signed_in, second_slot):
    event, person = signed_in()
    morning, _other = sessions_of(event)
    afternoon, _ = second_slot(event)

    _choose(client, event, morning.id)
    _choose(client, event, afternoon.id)

    assert _choices(person.id) == {morning.slot_id: (morning.id, "seated"),
                                   afternoon.slot_id: (afternoon.id, "seated")}


def test_a_full_session_puts_someone_without_a_seat_on_its_waitlist(client, signed_in,
                                                                    register):
    event, person = signed_in(sessions=(("Klein", 1), ("Groß", 10)))
    small, _big = sessions_of(event)
    register(event, session_ids=[small.id])

    response = _choose(client, event, small.id)

    assert response.status_code == 303
    assert _choices(person.id) == {small.slot_id: (small.id, "waitlisted")}
    assert _seats(small) == 1
    assert "Sie sind Nummer 1 auf der Warteliste von „Klein“." in _page_after(client, response)


def test_a_full_session_leaves_a_held_seat_alone_with_a_clear_message(client, signed_in,
                                                                      register):
    event, person = signed_in(sessions=(("Klein", 1), ("Groß", 10)))
    small, big = sessions_of(event)
    register(event, session_ids=[small.id])
    _choose(client, event, big.id)

    response = _choose(client, event, small.id)

    assert response.status_code == 409
    assert "Diese Breakout-Session ist voll. Sie behalten Ihre bisherige Wahl." in \
        response.get_data(as_text=True)
    assert _choices(person.id) == {big.slot_id: (big.id, "seated")}
    assert (_seats(small), _seats(big)) == (1, 1)


@pytest.mark.parametrize(("session_id", "status", "message"), [
    (None, 422, CHECK_INPUT),
    ("abc", 422, CHECK_INPUT),
    (99999, 404, "Diese Seite gibt es nicht."),
    ("other_event", 404, "Diese Seite gibt es nicht."),
])
def test_a_bad_breakout_choice_is_refused_and_the_seat_is_kept(client, signed_in, create_event,
                                                               session_id, status, message):
    event, person = signed_in()
    session = sessions_of(event)[0]
    _choose(client, event, session.id)
    if session_id == "other_event":
        session_id = sessions_of(create_event())[0].id
    data = {} if session_id is None else {"session_id": session_id}

    response = client.post(f"/events/{event.slug}/me/breakouts", data=data)

    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}
    assert _seats(session) == 1


def test_breakouts_wait_for_a_confirmed_place(client, auth, create_event, register):
    event = create_event(capacity=1)
    register(event)
    waiting = register(event)
    auth.login_participant(waiting.user)

    response = _choose(client, event, sessions_of(event)[0].id)

    assert response.status_code == 409
    assert "sobald Ihr Platz bestätigt ist" in response.get_data(as_text=True)
    assert count_rows(BreakoutChoice) == 0


def test_breakouts_cannot_change_after_the_event(client, auth, create_event, register):
    event = create_event(starts_at=soon(days=-3))
    session = sessions_of(event)[0]
    person = register(event, session_ids=[session.id])
    auth.login_participant(person.user)

    chosen = _choose(client, event, sessions_of(event)[1].id)
    left = client.post(f"/events/{event.slug}/me/breakouts/leave",
                       data={"slot_id": session.slot_id})

    for response in (chosen, left):
        assert response.status_code == 409
        assert "Diese Veranstaltung ist vorbei" in response.get_data(as_text=True)
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}


# --- leaving a session --------------------------------------------------------------------


def test_leaving_a_session_frees_the_seat_for_the_next_in_line(client, signed_in, register):
    event, person = signed_in(sessions=(("Klein", 1), ("Groß", 10)))
    small, _big = sessions_of(event)
    _choose(client, event, small.id)
    first_in_line = register(event, session_ids=[small.id])
    second_in_line = register(event, session_ids=[small.id])

    response = client.post(f"/events/{event.slug}/me/breakouts/leave",
                           data={"slot_id": small.slot_id})

    assert response.status_code == 303
    assert "Sie haben die Session verlassen." in _page_after(client, response)
    assert _choices(person.id) == {}
    assert _choices(first_in_line.id) == {small.slot_id: (small.id, "seated")}
    assert _choices(second_in_line.id) == {small.slot_id: (small.id, "waitlisted")}
    assert _seats(small) == 1


def test_leaving_a_waitlist_keeps_the_seats_as_they_are(client, signed_in, register):
    event, person = signed_in(sessions=(("Klein", 1),))
    (small,) = sessions_of(event)
    holder = register(event, session_ids=[small.id])
    _choose(client, event, small.id)

    client.post(f"/events/{event.slug}/me/breakouts/leave", data={"slot_id": small.slot_id})

    assert _choices(person.id) == {}
    assert _choices(holder.id) == {small.slot_id: (small.id, "seated")} and _seats(small) == 1


@pytest.mark.parametrize("data", [{}, {"slot_id": "abc"}])
def test_a_bad_leave_request_is_refused_and_the_seat_is_kept(client, signed_in, data):
    event, person = signed_in()
    session = sessions_of(event)[0]
    _choose(client, event, session.id)

    response = client.post(f"/events/{event.slug}/me/breakouts/leave", data=data)

    assert response.status_code == 422
    assert CHECK_INPUT in response.get_data(as_text=True)
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}
    assert _seats(session) == 1


# --- cancelling ---------------------------------------------------------------------------


def test_cancelling_frees_the_place_and_every_seat(client, signed_in, second_slot, mailbox):
    event, person = signed_in(capacity=10)
    morning = sessions_of(event)[0]
    afternoon, _ = second_slot(event)
    _choose(client, event, morning.id)
    _choose(client, event, afternoon.id)
    mailbox.clear()

    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 303
    page = _page_after(client, response)
    assert "Ihre Anmeldung wurde abgesagt." in page and "Abgesagt" in page
    assert "Erneut anmelden" in page
    cancelled = row(Registration, person.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert _choices(person.id) == {}
    assert _seats(morning) == _seats(afternoon) == 0
    assert row(Event, event.id).registered_count == 0
    (message,) = mailbox
    assert message["Subject"] == f"Ihre Anmeldung wurde abgesagt: {event.title}"


def test_cancelling_promotes_the_next_on_the_waitlist_and_mails_them(client, auth,
                                                                    create_event, register,
                                                                    mailbox):
    event = create_event(capacity=1)
    holder = register(event, email="anna@example.org")
    first_in_line = register(event, email="ben@example.org")
    second_in_line = register(event, email="cem@example.org")
    auth.login_participant(holder.user)
    mailbox.clear()

    client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert row(Registration, first_in_line.id).status == "confirmed"
    assert row(Registration, first_in_line.id).waitlisted_at is None
    assert row(Registration, second_in_line.id).status == "waitlisted"
    assert row(Event, event.id).registered_count == 1
    promoted = [m for m in mailbox if m["To"] == "ben@example.org"]
    assert len(promoted) == 1
    assert promoted[0]["Subject"] == f"Sie haben einen Platz bei {event.title}"
    assert "gute Nachricht" in _plain(promoted[0])
    assert not any(m["To"] == "cem@example.org" for m in mailbox)


def test_cancelling_a_seat_seats_the_first_on_the_session_waitlist(client, signed_in,
                                                                   register):
    event, person = signed_in(sessions=(("Klein", 1),))
    (small,) = sessions_of(event)
    _choose(client, event, small.id)
    waiting = register(event, session_ids=[small.id])

    client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert _choices(waiting.id) == {small.slot_id: (small.id, "seated")}
    assert _seats(small) == 1


@pytest.mark.parametrize("data", [{}, {"confirm": ""}])
def test_cancelling_needs_the_confirmation_tick_and_keeps_everything(client, signed_in,
                                                                     mailbox, data):
    event, person = signed_in(capacity=5)
    session = sessions_of(event)[0]
    _choose(client, event, session.id)
    mailbox.clear()

    response = client.post(f"/events/{event.slug}/me/cancel", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="confirm-error"' in page and "Bitte bestätigen Sie." in page
    assert_valid_html(page, "/me/cancel")
    assert row(Registration, person.id).status == "confirmed"
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}
    assert row(Event, event.id).registered_count == 1
    assert mailbox == []


def test_cancelling_twice_changes_nothing_more(client, signed_in, mailbox):
    event, person = signed_in()
    client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})
    mailbox.clear()

    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 303
    assert row(Registration, person.id).status == "cancelled"
    assert row(Event, event.id).registered_count == 0
    assert mailbox == []


def test_cancelling_after_the_event_is_refused(client, auth, create_event, register):
    event = create_event(starts_at=soon(days=-3))
    person = register(event)
    auth.login_participant(person.user)

    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 409
    assert "Diese Veranstaltung ist vorbei" in response.get_data(as_text=True)
    assert row(Registration, person.id).status == "confirmed"


# --- double clicks ----------------------------------------------------------------------------


@pytest.fixture
def slow_clock(monkeypatch):
    """Make every request slow at the point where it reads the clock, so that clicks overlap."""
    from eventapp.registration import services

    def slow_utcnow():
        time.sleep(0.2)
        return utcnow()

    monkeypatch.setattr(services, "utcnow", slow_utcnow)


def test_cancelling_twice_at_once_frees_one_place_and_promotes_one_person(
        app, create_event, register, slow_clock):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(capacity=1)
    holder = register(event)
    waiting = [register(event).id for _ in range(3)]
    event_id, holder_id = event.id, holder.id

    def cancel(_index):
        with app.app_context():  # its own session and connection, like a second request
            registration.cancel(db.session.get(Registration, holder_id))

    errors = [r for r in run_in_threads(3, cancel) if r is not None]

    assert errors == []
    db.session.rollback()
    statuses = [row(Registration, rid).status for rid in waiting]
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
    assert row(Event, event_id).registered_count == 1


def test_a_confirmation_link_opened_twice_at_once_registers_once(app, client, create_event,
                                                                 mailbox, slow_clock):
    event = create_event(capacity=5)
    event_id = event.id
    _register(client, event)
    token = confirm_link(mailbox[0]).rsplit("/", 1)[1]
    app.config["MAIL_SUPPRESS_SEND"] = True

    def confirm_once(_index):
        with app.app_context():
            return registration.confirm_registration(token)

    results = run_in_threads(3, confirm_once)

    db.session.rollback()
    assert count_rows(Registration) == 1
    assert row(Event, event_id).registered_count == 1
    applied = [r for r in results if isinstance(r, registration.RegistrationResult)]
    assert len(applied) == 1 and applied[0].created
    # The others find the link spent (None) or are told to try again (409).
    assert all(r is None or isinstance(r, Conflict) for r in results if r is not applied[0])


# --- places that appear -------------------------------------------------------------------


def _event_form(event, **changes) -> dict:
    """The organiser's edit form of an event as it stands, with some fields changed."""
    local = "%Y-%m-%dT%H:%M"
    values = {"title": event.title, "slug": event.slug, "motto": event.motto,
              "description": event.description, "format": event.format, "venue": event.venue,
              "online_link": event.online_link,
              "capacity": "" if event.capacity is None else str(event.capacity)}
    for name in ("starts_at", "ends_at"):
        values[name] = getattr(event, name).astimezone(BERLIN).strftime(local)
    values.update(changes)
    return values


def test_raising_the_capacity_promotes_the_waitlist_in_order_and_mails_them(
        orga, create_event, register, mailbox):
    event = create_event(capacity=1)
    register(event, email="anna@example.org")
    first_in_line = register(event, email="ben@example.org")
    second_in_line = register(event, email="cem@example.org")
    mailbox.clear()

    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data=_event_form(event, capacity="2"))

    assert response.status_code == 303
    assert row(Registration, first_in_line.id).status == "confirmed"
    assert row(Registration, second_in_line.id).status == "waitlisted"
    assert row(Event, event.id).registered_count == 2
    (promoted,) = mailbox
    assert promoted["To"] == "ben@example.org"
    assert promoted["Subject"] == f"Sie haben einen Platz bei {event.title}"


def test_raising_a_sessions_seats_seats_its_waitlist_and_mails_them(orga, create_event,
                                                                    register, mailbox):
    event = create_event(sessions=(("Klein", 1),))
    (small,) = sessions_of(event)
    register(event, session_ids=[small.id])
    waiting = register(event, email="ben@example.org", session_ids=[small.id])
    mailbox.clear()

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{small.id}/edit",
                         data={"slot_id": small.slot_id, "title": "Klein", "description": "",
                               "host": "", "capacity": "2"})

    assert response.status_code == 303
    assert _choices(waiting.id) == {small.slot_id: (small.id, "seated")}
    (seated,) = mailbox
    assert seated["To"] == "ben@example.org"
    assert "Klein" in seated["Subject"] and "Klein" in _plain(seated)


# --- double opt-in ------------------------------------------------------------------------


def _clock_at(moment):
    """Registration's clock shows `moment` inside the block."""
    return mock.patch("eventapp.registration.services.utcnow", lambda: moment)


def _registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def test_a_new_registration_holds_nothing_until_its_link_is_opened(client, create_event,
                                                                    mailbox):
    event = create_event(capacity=1, sessions=(("Klein", 1),), format="in_person")
    (small,) = sessions_of(event)

    response = _register(client, event, **{f"slot_{small.slot_id}": str(small.id)})

    assert response.status_code == 302
    assert _registrations() == [] and find_user_by_email("anna@example.org") is None
    assert row(Event, event.id).registered_count == 0 and _seats(small) == 0
    (request_mail,) = mailbox
    assert request_mail["To"] == "anna@example.org"
    assert request_mail["Subject"] == f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"
    assert "48 Stunden" in _plain(request_mail)

    confirmed = client.get(confirm_link(request_mail))

    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == f"/events/{event.slug}/me"
    (saved,) = _registrations()
    assert saved.status == "confirmed" and saved.user.name == "Anna Schmidt"
    assert saved.public_listing and saved.consent_version == "2022-01"
    assert _choices(saved.id) == {small.slot_id: (small.id, "seated")}
    assert row(Event, event.id).registered_count == 1
    page = _page_after(client, confirmed)  # signed in: the participant's own page
    assert "Ihre Anmeldung ist bestätigt." in page and "anna@example.org" in page
    confirmation = mailbox[-1]
    assert confirmation["Subject"] == f"Ihre Anmeldung: {event.title}"
    assert [p.get_filename() for p in confirmation.iter_attachments()] == ["ticket.png"]
    assert client.get(_link(confirmation)).status_code == 302  # the personal link works


def test_a_confirmation_link_works_once(client, create_event, mailbox):
    event = create_event()
    _register(client, event)
    link = confirm_link(mailbox[0])
    client.get(link)
    client.post("/auth/logout", data={})

    again = client.get(link)

    assert again.status_code == 303 and again.headers["Location"] == SIGN_IN
    assert "nicht mehr gültig" in _page_after(client, again)
    assert len(_registrations()) == 1 and row(Event, event.id).registered_count == 1


def test_three_made_up_addresses_cannot_fill_an_event_of_three_places(client, create_event,
                                                                      mailbox):
    event = create_event(capacity=3)
    for fake in ("a@example.org", "b@example.org", "c@example.org"):
        _register(client, event, email=fake)

    _register(client, event)
    client.get(confirm_link(mailbox[-1]))

    (anna,) = _registrations()
    assert anna.user.email == "anna@example.org" and anna.status == "confirmed"
    assert row(Event, event.id).registered_count == 1


def test_seats_and_the_waitlist_follow_the_time_of_confirmation(client, create_event, mailbox):
    event = create_event(capacity=1)
    _register(client, event, email="early@example.org")
    _register(client, event, email="late@example.org")
    early_link, late_link = (confirm_link(m) for m in mailbox)

    client.get(late_link)
    client.post("/auth/logout", data={})
    client.get(early_link)

    statuses = {r.user.email: r.status for r in _registrations()}
    assert statuses == {"late@example.org": "confirmed", "early@example.org": "waitlisted"}


def test_a_link_past_its_time_confirms_nothing_and_a_new_form_works(app, client, create_event,
                                                                    mailbox):
    app.config["PENDING_REGISTRATION_HOURS"] = 48
    event = create_event()
    _register(client, event)
    stale = confirm_link(mailbox[0])
    later = utcnow() + timedelta(hours=49)

    with _clock_at(later):
        refused = client.get(stale)
        _register(client, event)
        accepted = client.get(confirm_link(mailbox[-1]))

    assert refused.headers["Location"] == SIGN_IN
    assert accepted.headers["Location"] == f"/events/{event.slug}/me"
    (saved,) = _registrations()
    assert saved.status == "confirmed"


def test_the_time_to_confirm_is_configurable(app, client, create_event, mailbox):
    app.config["PENDING_REGISTRATION_HOURS"] = 2
    event = create_event()
    _register(client, event)
    assert "2 Stunden" in _plain(mailbox[0])

    with _clock_at(utcnow() + timedelta(hours=3)):
        refused = client.get(confirm_link(mailbox[0]))

    assert refused.headers["Location"] == SIGN_IN and _registrations() == []


@pytest.mark.parametrize("state", ["confirmed", "cancelled", "unknown"])
def test_the_form_answers_the_same_whatever_the_address(client, create_event, register, mailbox,
                                                       state):
    event = create_event()
    if state != "unknown":
        person = register(event, email="anna@example.org")
        if state == "cancelled":
            registration.cancel(person)
    mailbox.clear()

    response = _register(client, event)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}/register/done"
    page = _page_after(client, response)
    assert "Bitte bestätigen Sie Ihre Anmeldung mit dem Link" in page
    assert "bereits" not in page
    (message,) = mailbox
    assert message["Subject"] == f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"


def test_a_stranger_posting_a_known_address_changes_nothing(client, create_event, register,
                                                            mailbox):
    event = create_event()
    person = register(event, email="anna@example.org", name="Anna Schmidt", public_listing=False)
    registration.cancel(person)
    before = row(Registration, person.id)
    consent_at, cancelled_at = before.consent_at, before.cancelled_at
    mailbox.clear()

    _register(client, event, name="Mallory", public_listing="y")

    after = row(Registration, person.id)
    assert (after.status, after.public_listing, after.consent_at, after.cancelled_at) == \
        ("cancelled", False, consent_at, cancelled_at)
    assert after.user.name == "Anna Schmidt"
    assert row(Event, event.id).registered_count == 0
    (message,) = mailbox
    assert message["To"] == "anna@example.org"
    assert "Wenn Sie das nicht waren" in _plain(message)


def test_the_owner_reactivates_a_cancelled_registration_with_the_mailed_link(client,
                                                                             create_event,
                                                                             register, mailbox):
    event = create_event()
    person = register(event, email="anna@example.org", name="Anna Schmidt")
    registration.cancel(person)
    mailbox.clear()
    _register(client, event, name="Someone Else", public_listing="y")

    response = client.get(confirm_link(mailbox[0]))

    assert response.headers["Location"] == f"/events/{event.slug}/me"
    again = row(Registration, person.id)
    assert again.status == "confirmed" and again.cancelled_at is None
    assert again.public_listing and again.consent_at > person.created_at
    assert again.user.name == "Anna Schmidt"  # an existing account keeps its name
    assert len(_registrations()) == 1 and row(Event, event.id).registered_count == 1


def test_the_owner_of_an_active_registration_is_only_signed_in_by_the_link(client, create_event,
                                                                            register, mailbox):
    event = create_event(capacity=1)
    register(event)
    waiting = register(event, email="anna@example.org", public_listing=False)
    joined = row(Registration, waiting.id).waitlisted_at
    mailbox.clear()
    _register(client, event, public_listing="y")

    response = client.get(confirm_link(mailbox[0]))

    assert response.headers["Location"] == f"/events/{event.slug}/me"
    assert "Sie sind bereits angemeldet." in _page_after(client, response)
    kept = row(Registration, waiting.id)
    assert (kept.status, kept.waitlisted_at, kept.public_listing) == ("waitlisted", joined, False)
    assert len(mailbox) == 1  # no new personal link: the one they have keeps working


def test_the_page_and_the_mail_after_confirming_list_sessions_and_waitlist_places(
        client, create_event, register, second_slot, mailbox):
    event = create_event(sessions=(("Klein", 1), ("Groß", 10)))
    small, _big = sessions_of(event)
    afternoon, _ = second_slot(event)
    register(event, session_ids=[small.id])
    mailbox.clear()
    _register(client, event, **{f"slot_{small.slot_id}": str(small.id),
                                f"slot_{afternoon.slot_id}": str(afternoon.id)})

    page = _page_after(client, client.get(confirm_link(mailbox[0])))

    assert "Sie sind Nummer 1 auf der Warteliste von „Klein“." in page
    text = _plain(mailbox[-1])
    # each session with its day and time (and room, where it has one)
    assert re.search(r"- Klein \([\d.]+, \d\d:\d\d – \d\d:\d\d Uhr\): Warteliste, Platz 1", text)
    assert re.search(r"- Nachmittag A \([\d.]+, \d\d:\d\d – \d\d:\d\d Uhr\): Ihr Platz", text)


def test_the_page_and_the_mail_tell_a_waitlisted_person_their_place_in_line(
        client, create_event, register, mailbox):
    event = create_event(capacity=1)
    register(event)
    register(event)
    mailbox.clear()
    _register(client, event, **{f"slot_{sessions_of(event)[0].slot_id}":
                                str(sessions_of(event)[0].id)})

    page = _page_after(client, client.get(confirm_link(mailbox[0])))

    assert "Sie sind Nummer 2 auf der Warteliste." in page
    text = _plain(mailbox[-1])
    assert "Sie sind Nummer 2 auf der Warteliste" in text
    assert "Breakout-Sessions können Sie wählen, sobald Ihr Platz bestätigt ist" in text
