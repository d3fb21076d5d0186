"""Privacy: download what is stored, delete the account after the event, anonymise."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from eventapp.auth.models import User
from eventapp.awards import polls, results, voting
from eventapp.awards.models import Ballot, Participation
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.mailing.models import OutgoingMail
from eventapp.mailing.send import deliver_queued
from eventapp.meeting_mails.services import queue_message
from eventapp.registration.models import Registration, RegistrationRequest

from ..helpers import soon


def test_participant_downloads_what_is_stored(client, auth, create_event, register):
    person = register(create_event(), name="Anna Schmidt")
    auth.login_participant(person.user)
    response = client.get("/me/data")
    data = json.loads(response.data)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert data["account"]["name"] == "Anna Schmidt"
    assert data["registrations"][0]["consent_version"] == "2022-01"
    assert "ballot" not in response.get_data(as_text=True).lower()


def test_the_download_lists_the_mails_kept_about_the_person(client, auth, create_event,
                                                            register, organiser):
    event = create_event()
    person = register(event, email="anna@example.org")
    register(event, email="ben@example.org")
    deliver_queued()  # the confirmations
    queue_message(organiser, event, "Raumwechsel", "Wir sind jetzt in Raum 2.")
    auth.login_participant(person.user)

    response = client.get("/me/data")

    mails = {mail["kind"]: mail for mail in json.loads(response.data)["mails"]}
    assert sorted(mails) == ["confirmation", "message"]
    assert mails["confirmation"]["status"] == "sent" and mails["confirmation"]["sent_at"]
    assert "text" not in mails["confirmation"]  # its body is gone
    waiting = mails["message"]
    assert waiting["status"] == "queued" and waiting["subject"] == "Raumwechsel"
    assert waiting["recipient"] == "anna@example.org" and "Raum 2" in waiting["text"]
    assert "ben@example.org" not in response.get_data(as_text=True)


def _past_event_with_a_vote(create_event, register, organiser):
    event = create_event(finalists=2, sessions=())
    people = [register(event) for _ in range(3)]
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    for person in people:
        voting.cast_vote(poll, person.user, poll.candidates[0].id)
    polls.close_poll(organiser, poll)
    polls.announce(organiser, poll)
    # The meeting is over.
    values = {k: getattr(event, k) for k in events.EVENT_FIELDS}
    values.update(starts_at=soon(days=-10), ends_at=soon(days=-10) + timedelta(hours=2))
    events.update_event(organiser, event, **values)
    return event, people, poll


def test_account_is_deleted_after_the_event_and_the_result_stays(client, auth, create_event,
                                                                register, organiser):
    event, people, poll = _past_event_with_a_vote(create_event, register, organiser)
    user_id = people[0].user_id
    auth.login_participant(people[0].user)

    assert client.post("/me/privacy", data={}).status_code == 422
    response = client.post("/me/privacy", data={"confirm": "y"})

    assert response.status_code == 303
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    assert set(db.session.scalars(select(OutgoingMail.recipient))) == \
        {people[1].user.email, people[2].user.email}  # their confirmations, still queued
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 3
    assert results.snapshot_of(poll).votes_cast == 3
    assert client.get("/me").status_code == 302  # signed out


def test_account_cannot_be_deleted_before_the_event(client, auth, create_event, register):
    person = register(create_event())
    auth.login_participant(person.user)
    response = client.post("/me/privacy", data={"confirm": "y"})
    assert response.status_code == 409
    assert db.session.get(User, person.user_id) is not None


def test_organiser_anonymises_an_archived_event(client, auth, create_event, register, organiser):
    event, people, _poll = _past_event_with_a_vote(create_event, register, organiser)
    other = create_event()
    register(other, email=people[1].user.email)  # still needed for the other meeting
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/anonymise"

    client.post(url, data={})  # not archived yet: refused
    assert db.session.get(User, people[0].user_id).name != "—"
    events.set_event_status(organiser, event, "archived")
    assert client.post(url, data={}).status_code == 303

    db.session.expire_all()
    names = [db.session.get(User, p.user_id).name for p in people]
    assert names.count("—") == 2 and people[1].user.email.endswith("@example.org")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 4


def test_deleting_the_account_deletes_the_forms_waiting_under_its_address(
        client, auth, create_event, register, organiser):
    event, people, _poll = _past_event_with_a_vote(create_event, register, organiser)
    email = people[0].user.email
    client.post(f"/events/{create_event().slug}/register", data={
        "name": "Anna", "email": email, "consent": "y"})
    client.post(f"/events/{create_event().slug}/register", data={
        "name": "Ben", "email": "ben@example.org", "consent": "y"})
    auth.login_participant(people[0].user)

    client.post("/me/privacy", data={"confirm": "y"})

    assert db.session.scalars(select(RegistrationRequest.email)).all() == ["ben@example.org"]
