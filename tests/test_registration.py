"""Registering for an event and the participant's own page: consent, the confirmation mail
with the personal link, the waitlist, breakout choices, cancelling, and who may see what."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.auth.services import find_user_by_email
from eventapp.breakouts import services as breakouts
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.database import utcnow
from eventapp.errors import Conflict, InvalidInput
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration import services as registration
from eventapp.registration.models import Registration

from .conftest import run_in_threads, sessions_of, soon
from .test_html import assert_valid_html

LINK = re.compile(r"http://eventapp\.test(/auth/link/[\w-]+)")
CHECK_INPUT = "Bitte prüfen Sie Ihre Eingaben."
SIGN_IN = "/auth/sign-in"


def _form(**overrides):
    data = {"name": "Anna Schmidt", "email": "anna@example.org", "organisation": "Netzwerk Nord",
            "consent": "y", "public_listing": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _register(client, event, **overrides):
    return client.post(f"/events/{event.slug}/register", data=_form(**overrides))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> str:
    return LINK.search(_plain(message)).group(1)


def _choices(registration_id) -> dict:
    db.session.expire_all()
    return {slot_id: (choice.session_id, choice.status)
            for slot_id, choice in breakouts.choices_of(registration_id).items()}


def _seats(session) -> int:
    return _fresh(BreakoutSession, session.id).seats_taken


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
    assert f"Anmeldung zu {event.title}" in page
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


def test_registration_saves_consent_with_time_and_privacy_version(app, client, create_event):
    event = create_event(format="in_person", venue="Berlin")
    before = utcnow()

    response = _register(client, event)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}/register/done?again=0"
    saved = db.session.scalar(select(Registration))
    assert saved.status == "confirmed" and saved.event_id == event.id
    assert before <= saved.consent_at <= utcnow()
    assert saved.consent_version == app.config["PRIVACY_TEXT_VERSION"]
    assert saved.public_listing and saved.attendance_mode == "in_person"
    user = saved.user
    assert (user.email, user.name, user.organisation, user.locale) == \
        ("anna@example.org", "Anna Schmidt", "Netzwerk Nord", "de")
    assert _fresh(Event, event.id).registered_count == 1


def test_registration_mails_the_personal_link_in_german(client, create_event, mailbox):
    event = create_event()

    response = _register(client, event)

    (message,) = mailbox
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == f"Ihre Anmeldung zu {event.title}"
    text = _plain(message)
    assert "Guten Tag Anna Schmidt" in text
    assert f"vielen Dank für Ihre Anmeldung zu {event.title} am" in text
    assert "Ihr persönlicher Link" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html and _link(message) in html
    done = _page_after(client, response)
    assert f"Vielen Dank für Ihre Anmeldung zu {event.title}" in done


def test_registration_with_a_breakout_choice_takes_a_seat(client, create_event):
    event = create_event()
    session = sessions_of(event)[1]

    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})

    saved = db.session.scalar(select(Registration))
    assert _choices(saved.id) == {session.slot_id: (session.id, "seated")}
    assert _seats(session) == 1


def test_registration_for_a_full_session_joins_its_waitlist(client, create_event, register):
    event = create_event(sessions=(("Klein", 1),))
    (session,) = sessions_of(event)
    register(event, session_ids=[session.id])

    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})

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
    assert _count(Registration) == 0 and mailbox == []
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
    assert _count(Registration) == 0 and mailbox == []


def test_two_sessions_of_one_slot_are_refused(create_event):
    event = create_event()
    first, second = sessions_of(event)

    with pytest.raises(InvalidInput) as refused:
        registration.register(event, name="Anna", email="anna@example.org", organisation="",
                              consent=True, public_listing=False,
                              session_ids=[first.id, second.id])

    assert refused.value.status_code == 422
    assert _count(Registration) == 0 and _seats(first) == _seats(second) == 0


def test_registering_twice_in_any_case_keeps_one_registration_and_mails_the_link_again(
        client, create_event, mailbox):
    event = create_event()
    session = sessions_of(event)[0]
    _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})
    first_link = _link(mailbox[0])

    again = _register(client, event, email="ANNA@Example.ORG", name="Someone Else",
                      public_listing=None)

    assert again.status_code == 302 and again.headers["Location"].endswith("?again=1")
    assert "bereits für" in _page_after(client, again)
    assert _count(Registration) == 1
    saved = db.session.scalar(select(Registration))
    assert saved.public_listing and saved.user.name == "Anna Schmidt"  # nothing overwritten
    assert _choices(saved.id) == {session.slot_id: (session.id, "seated")}
    assert _fresh(Event, event.id).registered_count == 1
    assert len(mailbox) == 2
    assert mailbox[1]["Subject"] == f"Ihr Link für {event.title}"
    assert "Sie sind bereits für" in _plain(mailbox[1])
    # The link mailed again is the one that works now.
    assert client.get(first_link).headers["Location"] == SIGN_IN
    assert client.get(_link(mailbox[1])).headers["Location"] == "/me"


def test_registering_again_while_waitlisted_keeps_the_place_in_line(client, create_event,
                                                                    register):
    event = create_event(capacity=1)
    register(event)
    _register(client, event)
    waiting = db.session.scalar(select(Registration).where(Registration.status == "waitlisted"))
    joined = waiting.waitlisted_at

    assert _register(client, event).status_code == 302

    assert _fresh(Registration, waiting.id).waitlisted_at == joined
    assert _count(Registration) == 2


def test_registering_again_after_cancelling_confirms_with_fresh_consent(client, create_event,
                                                                        register):
    event = create_event()
    person = register(event, email="anna@example.org")
    registration.cancel(person)

    response = _register(client, event)

    assert response.headers["Location"].endswith("?again=0")
    again = _fresh(Registration, person.id)
    assert again.status == "confirmed" and again.cancelled_at is None
    assert again.consent_at > person.created_at
    assert _count(Registration) == 1 and _fresh(Event, event.id).registered_count == 1


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
    assert _count(Registration) == 0 and mailbox == []


def test_registration_for_an_unknown_or_draft_event_is_404(client, create_event, mailbox):
    draft = create_event(published=False)

    for slug in ("gibt-es-nicht", draft.slug):
        assert client.get(f"/events/{slug}/register").status_code == 404
        response = client.post(f"/events/{slug}/register", data=_form())
        assert response.status_code == 404
        assert "nicht veröffentlicht" in response.get_data(as_text=True)
    assert _count(Registration) == 0 and mailbox == []


def test_full_event_puts_the_next_person_on_the_waitlist(client, create_event, register,
                                                         mailbox):
    event = create_event(capacity=1)
    session = sessions_of(event)[0]
    register(event)
    mailbox.clear()
    assert "ausgebucht" in client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    response = _register(client, event, **{f"slot_{session.slot_id}": str(session.id)})

    assert response.status_code == 302
    waiting = db.session.scalar(select(Registration).where(Registration.status == "waitlisted"))
    assert waiting.user.email == "anna@example.org" and waiting.waitlisted_at is not None
    assert _choices(waiting.id) == {}  # breakouts come with a confirmed place
    assert _seats(session) == 0
    assert _fresh(Event, event.id).registered_count == 1
    assert "Warteliste" in _plain(mailbox[0])


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
    assert _count(Registration) == 0 and mailbox == []

    assert _register(client, event, attendance_mode="online").status_code == 302
    assert db.session.scalar(select(Registration.attendance_mode)) == "online"


def test_done_page_is_404_for_an_unknown_event(client):
    assert client.get("/events/gibt-es-nicht/register/done").status_code == 404


# --- signed in with the link from the mail --------------------------------------------------


def test_the_link_from_the_mail_signs_in_and_shows_the_registration(client, create_event,
                                                                    mailbox):
    event = create_event(online_link="https://meet.example.org/clustertreffen")
    _register(client, event)

    signed_in = client.get(_link(mailbox[0]))
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
    assert _fresh(Registration, person.id).status == "confirmed" and _choices(person.id) == {}


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

    assert _fresh(Registration, anna.id).status == "confirmed"
    assert _choices(anna.id) == {first.slot_id: (first.id, "seated")}
    assert all(r.status == "confirmed" for r in registration.registrations_of(anna.user))
    assert _fresh(Registration, ben.id).status == "cancelled"


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

    assert _seats(session) == 1 and _count(BreakoutChoice) == 1


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
    assert _count(BreakoutChoice) == 0


def test_breakouts_cannot_change_after_the_event(client, auth, create_event, register):
    event = create_event(starts_at=soon(days=-3))
    session = sessions_of(event)[0]
    person = register(event, outside_window=True, session_ids=[session.id])
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
    cancelled = _fresh(Registration, person.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert _choices(person.id) == {}
    assert _seats(morning) == _seats(afternoon) == 0
    assert _fresh(Event, event.id).registered_count == 0
    (message,) = mailbox
    assert message["Subject"] == f"Ihre Anmeldung zu {event.title} wurde abgesagt"


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

    assert _fresh(Registration, first_in_line.id).status == "confirmed"
    assert _fresh(Registration, first_in_line.id).waitlisted_at is None
    assert _fresh(Registration, second_in_line.id).status == "waitlisted"
    assert _fresh(Event, event.id).registered_count == 1
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
    assert _fresh(Registration, person.id).status == "confirmed"
    assert _choices(person.id) == {session.slot_id: (session.id, "seated")}
    assert _fresh(Event, event.id).registered_count == 1
    assert mailbox == []


def test_cancelling_twice_changes_nothing_more(client, signed_in, mailbox):
    event, person = signed_in()
    client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})
    mailbox.clear()

    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 303
    assert _fresh(Registration, person.id).status == "cancelled"
    assert _fresh(Event, event.id).registered_count == 0
    assert mailbox == []


def test_cancelling_after_the_event_is_refused(client, auth, create_event, register):
    event = create_event(starts_at=soon(days=-3))
    person = register(event, outside_window=True)
    auth.login_participant(person.user)

    response = client.post(f"/events/{event.slug}/me/cancel", data={"confirm": "y"})

    assert response.status_code == 409
    assert "Diese Veranstaltung ist vorbei" in response.get_data(as_text=True)
    assert _fresh(Registration, person.id).status == "confirmed"


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
    statuses = [_fresh(Registration, rid).status for rid in waiting]
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
    assert _fresh(Event, event_id).registered_count == 1


def test_registering_twice_at_once_keeps_one_registration(app, create_event, slow_clock):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(capacity=5)
    event_id = event.id

    def register_once(_index):
        with app.app_context():
            return registration.register(
                db.session.get(Event, event_id), name="Anna", email="anna@example.org",
                organisation="", consent=True, public_listing=False).created

    results = run_in_threads(3, register_once)

    db.session.rollback()
    assert _count(Registration) == 1
    assert _fresh(Event, event_id).registered_count == 1
    assert results.count(True) == 1
    # The others are told to try again (409) or get the "already registered" answer.
    assert all(r is False or isinstance(r, Conflict) for r in results if r is not True)
