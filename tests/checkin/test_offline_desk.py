"""The offline desk: its list on the device, the batch it sends when the network is back
(each action once, conflicts resolved by the server), the queues desks report."""

import uuid
from datetime import UTC, datetime

import pytest

from eventapp.awards import cards, voting
from eventapp.awards.models import Eligibility
from eventapp.live import services as live
from eventapp.registration.tickets import ticket_code

from ..helpers import audit_rows, reloaded

DESK = str(uuid.uuid4())


def _sync(client, event, *actions, waiting=0, desk=DESK):
    return client.post(
        f"/organiser/events/{event.slug}/checkin/sync",
        json={"desk": desk, "waiting": waiting, "actions": [
            {"id": action_id, "kind": kind, "registration": registration.id}
            for action_id, kind, registration in actions]},
        headers={"X-CSRFToken": client.csrf_token()})


def _check_in(registration, action_id=None):
    return (action_id or str(uuid.uuid4()), "check_in", registration)


def _card(registration):
    return (str(uuid.uuid4()), "card", registration)


@pytest.fixture
def hall(create_event, organiser):
    """An event in the hall with printed vote cards."""
    event = create_event(finalists=2, format="in_person", venue="Berlin", sessions=())
    cards.create_cards(organiser, event, 4)
    return event


def test_the_desk_gets_the_list_it_keeps_on_the_device(orga, hall, register):
    anna = register(hall, name="Anna Schmidt", organisation="Ölmühle")
    answer = orga.get(f"/organiser/events/{hall.slug}/checkin/people")

    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json()["people"] == [{
        "id": anna.id, "name": "Anna Schmidt", "organisation": "Ölmühle",
        "ticket": ticket_code(anna), "checked_in": False, "card": False}]
    # Kept until the end of the event's last day where it takes place.
    expires = datetime.fromisoformat(answer.get_json()["expires"])
    assert expires > hall.ends_at and (expires - hall.ends_at).days == 0
    assert expires.astimezone(UTC).hour in (22, 23)  # midnight in Berlin


def test_an_action_sent_twice_is_done_once_and_answered_alike(orga, hall, register):
    anna = register(hall, name="Anna Schmidt")
    action = _check_in(anna)

    first = _sync(orga, hall, action)
    again = _sync(orga, hall, action)

    assert first.status_code == again.status_code == 200
    assert first.get_json()["results"] == again.get_json()["results"]
    assert first.get_json()["results"][0]["outcome"] == "checked_in"
    assert "Willkommen, Anna Schmidt" in first.get_json()["results"][0]["message"]
    assert again.get_json()["counts"] == {"checked_in": 1, "confirmed": 1}
    assert len(audit_rows("checkin")) == 1


def test_someone_checked_in_at_two_desks_is_checked_in_once(orga, hall, register):
    anna = register(hall, name="Anna Schmidt")
    first = _sync(orga, hall, _check_in(anna), desk=str(uuid.uuid4()))
    checked_in_at = reloaded(anna).checked_in_at

    second = _sync(orga, hall, _check_in(anna), desk=str(uuid.uuid4())).get_json()["results"][0]

    assert first.get_json()["results"][0]["outcome"] == "checked_in"
    assert second["outcome"] == "already_checked_in" and not second["refused"]
    assert "einmal gezählt" in second["message"]
    assert reloaded(anna).checked_in_at == checked_in_at
    assert len(audit_rows("checkin")) == 1


def test_queued_check_ins_count_in_a_vote_for_those_checked_in(orga, hall, register,
                                                                 organiser):
    people = [register(hall) for _ in range(3)]
    poll = live.open_vote(organiser, hall, "Vor Ort", eligibility=Eligibility.CHECKED_IN)
    assert reloaded(poll).eligible_count == 0

    actions = [_check_in(person) for person in people]
    _sync(orga, hall, *actions)
    _sync(orga, hall, *actions)  # the answer got lost: sent again
    _sync(orga, hall, _check_in(people[0]))  # and another desk had her too

    assert reloaded(poll).eligible_count == 3


def test_a_card_for_someone_who_voted_by_link_meanwhile_is_refused(orga, hall, register,
                                                                     organiser):
    lina = register(hall, name="Lina Link")
    poll = live.open_vote(organiser, hall, "ClusterERFOLG")
    # On her phone, while the desk was offline.
    voting.cast_vote(poll, lina.user, poll.candidates[0].id)
    card = _card(lina)

    results = _sync(orga, hall, _check_in(lina), card).get_json()["results"]

    assert [r["outcome"] for r in results] == ["checked_in", "voted_by_link"]
    assert results[1]["refused"] and "Karte zurück" in results[1]["message"]
    assert reloaded(lina).checked_in_at is not None
    assert reloaded(lina).vote_card_received is False
    assert audit_rows("cards.handed_out") == []
    # Sent again, the same answer, even once the vote has closed.
    live.close_vote(organiser, hall)
    assert _sync(orga, hall, card).get_json()["results"] == results[1:]


def test_a_card_is_noted_after_the_check_in_queued_before_it(orga, hall, register):
    anna = register(hall, name="Anna Schmidt")
    results = _sync(orga, hall, _check_in(anna), _card(anna), _card(anna)).get_json()["results"]
    assert [r["outcome"] for r in results] == ["checked_in", "card_handed_out", "has_card"]
    assert reloaded(anna).vote_card_received is True


def test_someone_not_of_this_event_is_refused_alone(orga, hall, create_event, register):
    stranger = register(create_event())
    anna = register(hall)
    results = _sync(orga, hall, _check_in(stranger), _check_in(anna)).get_json()["results"]
    assert [r["refused"] for r in results] == [True, False]
    assert reloaded(stranger).checked_in_at is None


def test_an_action_id_is_not_another_persons_answer(orga, hall, register):
    anna, ben = register(hall), register(hall)
    action_id = str(uuid.uuid4())
    _sync(orga, hall, _check_in(anna, action_id))
    result = _sync(orga, hall, _check_in(ben, action_id)).get_json()["results"][0]
    assert result["refused"] and reloaded(ben).checked_in_at is None


@pytest.mark.parametrize("batch", [
    None, [], {"desk": DESK, "waiting": 0},
    {"desk": "desk\u202eone", "waiting": 0, "actions": []},
    {"desk": DESK, "waiting": -1, "actions": []},
    {"desk": DESK, "waiting": True, "actions": []},
    {"desk": DESK, "waiting": 0, "actions": [{"id": "x", "kind": "check_in", "registration": 1}]},
    {"desk": DESK, "waiting": 0, "actions": [{"id": DESK, "kind": "vote", "registration": 1}]},
    {"desk": DESK, "waiting": 0, "actions": [{"id": DESK, "kind": "card", "registration": 0}]},
    {"desk": DESK, "waiting": 0, "actions": [{"id": DESK, "kind": "card",
                                             "registration": 2**40}]},
    {"desk": DESK, "waiting": 0, "actions": [
        {"id": str(uuid.uuid4()), "kind": "card", "registration": 1}] * 201},
])
def test_a_broken_batch_gets_a_message_not_a_500(orga, hall, batch):
    answer = orga.post(f"/organiser/events/{hall.slug}/checkin/sync", json=batch,
                       headers={"X-CSRFToken": orga.csrf_token()})
    assert answer.status_code == 422
    assert "Seite neu" in answer.get_json()["error"]


def test_a_batch_without_csrf_token_is_refused(orga, hall, register):
    anna = register(hall)
    answer = orga.post(f"/organiser/events/{hall.slug}/checkin/sync", json={
        "desk": DESK, "waiting": 0, "actions": [
            {"id": str(uuid.uuid4()), "kind": "check_in", "registration": anna.id}]})
    assert answer.status_code == 400
    assert reloaded(anna).checked_in_at is None


def test_a_participant_cannot_send_check_ins(client, auth, hall, register):
    anna = register(hall)
    auth.login_participant(anna.user)
    assert _sync(client, hall, _check_in(anna)).status_code == 403
    assert client.get(f"/organiser/events/{hall.slug}/checkin/people").status_code == 403
    assert reloaded(anna).checked_in_at is None


def test_the_live_control_shows_the_check_ins_waiting_at_desks(orga, hall, register,
                                                                 organiser):
    live.open_vote(organiser, hall, "ClusterERFOLG")
    _sync(orga, hall, waiting=7, desk=str(uuid.uuid4()))
    _sync(orga, hall, waiting=3, desk=str(uuid.uuid4()))
    page = orga.get(f"/organiser/events/{hall.slug}/live").get_data(as_text=True)
    assert "Am Einlass warten noch Check-ins: 10 (2 Geräte" in page

    orga.post("/auth/language", data={"lang": "en", "next": "/"})
    page = orga.get(f"/organiser/events/{hall.slug}/live").get_data(as_text=True)
    assert "Check-ins still waiting at the desks: 10 (2 desks reported" in page


def test_the_desk_is_an_app_limited_to_the_desk(orga, hall):
    desk = f"/organiser/events/{hall.slug}/checkin"
    page = orga.get(desk).get_data(as_text=True)
    assert f'href="{desk}/desk.webmanifest"' in page
    manifest = orga.get(f"{desk}/desk.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.get_json()["scope"] == desk == manifest.get_json()["start_url"]
    worker = orga.get(f"{desk}/desk-worker.js")
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == desk


def test_signing_out_clears_what_the_desk_kept_on_the_device(orga):
    answer = orga.post("/auth/logout", data={})
    assert answer.headers["Clear-Site-Data"] == '"storage"'


def test_the_desk_speaks_the_staffs_language(orga, hall, register):
    anna = register(hall, name="Anna Schmidt")
    desk = f"/organiser/events/{hall.slug}/checkin"
    assert "Offline: Check-ins bleiben auf diesem Gerät" in orga.get(desk).get_data(as_text=True)

    orga.post("/auth/language", data={"lang": "en", "next": "/"})
    assert "Offline: check-ins are kept on this device" in orga.get(desk).get_data(as_text=True)
    result = _sync(orga, hall, _check_in(anna)).get_json()["results"][0]
    assert result["message"] == "Welcome, Anna Schmidt! Checked in."
