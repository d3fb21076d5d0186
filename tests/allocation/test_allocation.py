"""Ranked breakout choices: the meeting's mode holds seats back, participants rank, the
organiser runs (and reruns) the allocation and publishes it once; everyone is mailed, no
session is overbooked (on SQLite and PostgreSQL), late registrants choose where seats remain.
"""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.allocation import services as allocation
from eventapp.allocation.models import AllocationMode
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession, ChoiceStatus
from eventapp.breakouts.services import SlotHeldBack
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.mailing.models import OutgoingMail
from eventapp.mailing.send import deliver_queued
from eventapp.registration.services import choose_breakout

from ..helpers import assert_valid_html, sessions_of


def _ranked(organiser, event, deadline=None):
    allocation.save_settings(organiser, event, AllocationMode.RANKED, deadline)


def _seated(event):
    return {choice.registration_id: choice.session_id for choice in db.session.scalars(
        select(BreakoutChoice).where(BreakoutChoice.status == ChoiceStatus.SEATED))}


def test_ranked_meeting_holds_seats_back_until_published(organiser, create_event, register):
    event = create_event()
    first, second = sessions_of(event)
    _ranked(organiser, event)
    person = register(event, session_ids=[first.id])  # the form's choice waits for the ranking
    assert _seated(event) == {}
    with pytest.raises(SlotHeldBack):
        choose_breakout(person, first.id)

    allocation.save_ranking(person, first.slot_id, [second.id, first.id])
    allocation.run(organiser, event, seed=1)
    allocation.publish(organiser, event)
    assert _seated(event) == {person.id: second.id}

    late = register(event, session_ids=[first.id])  # first come again
    assert _seated(event)[late.id] == first.id


def test_ranking_is_checked(organiser, create_event, register):
    event, other = create_event(), create_event()
    first, second = sessions_of(event)
    foreign = sessions_of(other)[0]
    person = register(event)
    with pytest.raises(allocation.RankingClosed):  # first come, first served
        allocation.save_ranking(person, first.slot_id, [first.id])
    _ranked(organiser, event)
    for wrong in ([first.id, first.id], [foreign.id]):
        with pytest.raises(allocation.InvalidInput):
            allocation.save_ranking(person, first.slot_id, wrong)
    allocation.save_ranking(person, first.slot_id, [second.id])
    assert allocation.rankings_of(person.id) == {first.slot_id: [second.id]}
    _ranked(organiser, event, deadline=utcnow() - timedelta(minutes=1))
    with pytest.raises(allocation.RankingClosed):
        allocation.save_ranking(person, first.slot_id, [first.id])


def test_rerun_with_another_seed_then_publish_once(organiser, create_event, register):
    event = create_event(sessions=(("A", 1), ("B", 1)))
    a, b = sessions_of(event)
    _ranked(organiser, event)
    people = [register(event) for _ in range(3)]
    for person in people:
        allocation.save_ranking(person, a.slot_id, [a.id, b.id])
    results = {seed: allocation.run(organiser, event, seed=seed) for seed in range(6)}
    for preview in results.values():
        assert preview.counts == {"1": 1, "2": 1, "none": 1}
    winners = {next(registration_id for registration_id, placement
                    in preview.placements[a.slot_id].items() if placement.rank == 1)
               for preview in results.values()}
    assert len(winners) > 1  # another seed, another order
    chosen = allocation.run(organiser, event, seed=4)
    allocation.publish(organiser, event)
    expected = {registration_id: placement.session_id for registration_id, placement
                in chosen.placements[a.slot_id].items() if placement.session_id}
    assert _seated(event) == expected
    with pytest.raises(allocation.AlreadyPublished):
        allocation.publish(organiser, event)
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "allocated"))
    assert len(list(mails)) == 3


@pytest.mark.parametrize("round_", range(3))
def test_publishing_never_overbooks_and_seats_all_where_seats_suffice(
        organiser, create_event, register, round_):
    """Random rankings and capacities, some seats taken first come before the switch."""
    rng = random.Random(round_)
    capacities = [rng.randint(1, 6) for _ in range(rng.randint(2, 4))]
    event = create_event(sessions=tuple((f"S{i}", c) for i, c in enumerate(capacities)))
    sessions = sessions_of(event)
    early = [register(event, session_ids=[rng.choice(sessions).id]) for _ in range(2)]
    _ranked(organiser, event)
    people = [register(event) for _ in range(rng.randint(3, sum(capacities) + 3))]
    for person in people:
        ranking = rng.sample([s.id for s in sessions], rng.randint(1, len(sessions)))
        allocation.save_ranking(person, sessions[0].slot_id, ranking)
    allocation.run(organiser, event, seed=rng.randint(0, 999))
    allocation.publish(organiser, event)

    db.session.expire_all()
    seated = _seated(event)
    for session in db.session.scalars(select(BreakoutSession)):
        count = sum(1 for session_id in seated.values() if session_id == session.id)
        assert session.seats_taken == count <= session.capacity
    free_for_ranking = sum(capacities) - len([e for e in early if e.id in seated])
    placed = [person for person in people if person.id in seated]
    assert len(placed) == min(len(people), free_for_ranking)
    assert db.session.scalar(select(func.count()).select_from(BreakoutChoice)) == len(seated)


def test_pages_rank_run_and_publish(client, auth, organiser, create_event, register, mailbox):
    event = create_event(sessions=(("Wasserstoff", 1), ("Künstliche Intelligenz", 1)))
    h2, ki = sessions_of(event)
    person = register(event)
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/allocation"
    assert client.post(url, data={"mode": "ranked"}).status_code == 303
    assert client.post(url, data={"mode": "nonsense"}).status_code == 422

    auth.login_participant(person.user)
    page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)
    assert "Breakout-Sessions bewerten" in page and 'name="session_id"' not in page
    ranking = f"/events/{event.slug}/me/ranking"
    bad = client.post(ranking, data={"slot_id": h2.slot_id, "choice-0": ki.id,
                                     "choice-1": ki.id})
    assert bad.status_code == 422
    saved = client.post(ranking, data={"slot_id": h2.slot_id, "choice-0": ki.id,
                                       "choice-1": "", "choice-2": h2.id})
    assert saved.status_code == 303
    assert_valid_html(client.get(ranking).get_data(as_text=True), ranking)
    assert allocation.rankings_of(person.id) == {h2.slot_id: [ki.id, h2.id]}

    auth.login_organiser()
    assert client.post(f"{url}/publish", data={}).status_code == 409  # not run yet
    assert client.post(f"{url}/run", data={"seed": "42"}).status_code == 303
    shown = client.get(url).get_data(as_text=True)
    assert "Ergebnis mit Seed 42" in shown
    assert_valid_html(shown, url)
    assert client.post(f"{url}/publish", data={}).status_code == 303
    assert _seated(event) == {person.id: ki.id}
    deliver_queued()  # the worker's part
    mail = [m for m in mailbox if m["To"] == person.user.email][-1]
    assert "Künstliche Intelligenz" in mail.get_body(("plain",)).get_content()


def test_the_registration_form_offers_no_ranked_slot(client, organiser, create_event):
    event = create_event()
    first = sessions_of(event)[0]
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert first.title in page
    _ranked(organiser, event)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert first.title not in page
