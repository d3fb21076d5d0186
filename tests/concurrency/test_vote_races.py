"""Votes under a crowd, on real, separate connections (SQLite and, with TEST_DATABASE_URL,
PostgreSQL): one vote per person, and a vote counts iff the poll was open at its commit."""

import threading

import pytest
from sqlalchemy import inspect, select

from eventapp.auth.models import User
from eventapp.awards import cards, mixing, polls, voting
from eventapp.awards.models import Ballot, CardParticipation, Participation, Poll, VoteCard
from eventapp.errors import DomainError
from eventapp.extensions import db

from ..helpers import count_rows, run_in_threads

pytestmark = pytest.mark.concurrency


@pytest.fixture
def open_poll(app, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True

    def factory(voters: int):
        event = create_event(finalists=3, sessions=())
        user_ids = [register(event, email=f"v{i}@example.org").user_id for i in range(voters)]
        poll = polls.create_poll(organiser, event, "ClusterERFOLG")
        polls.open_poll(organiser, poll)
        finalist_ids = [f.id for f in poll.candidates]
        return poll.id, user_ids, finalist_ids

    return factory


def _vote(app, poll_id, user_id, finalist_id):
    """One vote in its own app context (own session, own connection); the receipt or error."""
    with app.app_context():
        try:
            return voting.cast_vote(db.session.get(Poll, poll_id), db.session.get(User, user_id),
                                    finalist_id)
        except DomainError as error:
            return error


def _close(organiser, poll_id):
    db.session.rollback()
    polls.close_poll(organiser, db.session.get(Poll, poll_id))


def test_hundred_attempts_by_fifty_people_make_fifty_votes(app, open_poll, organiser):
    poll_id, user_ids, finalist_ids = open_poll(50)

    results = run_in_threads(100, lambda i: _vote(
        app, poll_id, user_ids[i % 50], finalist_ids[i % len(finalist_ids)]))

    receipts = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, voting.AlreadyVoted)]
    assert len(receipts) == 50 and len(set(receipts)) == 50
    assert len(refused) == 50
    _close(organiser, poll_id)
    assert count_rows(Ballot) == 50 and count_rows(Participation) == 50
    assert db.session.get(Poll, poll_id).votes_cast == 50


def _vote_with_card(app, poll_id, card_id, finalist_id):
    with app.app_context():
        try:
            return voting.cast_card_vote(db.session.get(Poll, poll_id),
                                          db.session.get(VoteCard, card_id), finalist_id)
        except DomainError as error:
            return error


def test_hundred_submissions_with_fifty_cards_make_fifty_votes(app, open_poll, organiser):
    poll_id, _user_ids, finalist_ids = open_poll(0)
    event = db.session.get(Poll, poll_id).event
    card_ids = [card.id for card in cards.create_cards(organiser, event, 50)]

    results = run_in_threads(100, lambda i: _vote_with_card(
        app, poll_id, card_ids[i % 50], finalist_ids[i % len(finalist_ids)]))

    receipts = [r for r in results if isinstance(r, str)]
    assert len(receipts) == 50 and len(set(receipts)) == 50
    assert len([r for r in results if isinstance(r, voting.AlreadyVoted)]) == 50
    _close(organiser, poll_id)
    assert count_rows(Ballot) == 50 and count_rows(CardParticipation) == 50
    assert db.session.get(Poll, poll_id).votes_cast == 50


@pytest.mark.parametrize("by_card", [False, True], ids=["link", "card"])
def test_votes_racing_the_close_count_exactly_when_they_got_a_receipt(app, open_poll, organiser,
                                                                      by_card):
    poll_id, user_ids, finalist_ids = open_poll(0 if by_card else 60)
    if by_card:
        event = db.session.get(Poll, poll_id).event
        voter_ids = [card.id for card in cards.create_cards(organiser, event, 60)]
    else:
        voter_ids = user_ids
    cast = _vote_with_card if by_card else _vote
    organiser_id = organiser.id
    halfway = threading.Event()

    def attempt(index):
        if index == 60:  # the organiser closes while votes are in flight
            halfway.wait(timeout=10)
            with app.app_context():
                polls.close_poll(db.session.get(User, organiser_id),
                                  db.session.get(Poll, poll_id))
            return "closed"
        if index == 20:
            halfway.set()
        return cast(app, poll_id, voter_ids[index], finalist_ids[index % 3])

    results = run_in_threads(61, attempt)

    assert "closed" in results
    receipts = {r for r in results if isinstance(r, str) and r != "closed"}
    refused = [r for r in results if isinstance(r, voting.PollNotOpen)]
    assert len(receipts) + len(refused) == 60
    db.session.rollback()
    stored = set(db.session.scalars(select(Ballot.receipt).where(Ballot.poll_id == poll_id)))
    assert stored == receipts  # every receipt counted, no ballot without one
    assert count_rows(CardParticipation if by_card else Participation) == len(receipts)
    assert db.session.get(Poll, poll_id).votes_cast == len(receipts)


def test_nothing_in_the_schema_links_a_ballot_to_a_voter(app, open_poll, organiser):
    poll_id, user_ids, finalist_ids = open_poll(5)
    for user_id in user_ids:
        _vote(app, poll_id, user_id, finalist_ids[0])
    _close(organiser, poll_id)

    for table in ("ballots", "ballot_inbox"):
        columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
        assert columns == {"id", "poll_id", "option_id", "receipt"}
        foreign = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys(table)}
        assert foreign == {"polls", "poll_options"}
    participation_columns = {c["name"] for c in inspect(db.engine).get_columns("participations")}
    assert participation_columns == {"poll_id", "user_id"}  # no time, no order to match
    db.session.rollback()
    ids = set(db.session.scalars(select(Ballot.id)))
    assert len(ids) == 5 and all(len(i) == 32 and int(i, 16) for i in ids)  # random, no order


def test_a_link_vote_and_a_card_handed_out_at_once_never_both_go_through(
        app, create_event, register, organiser):
    # Both would give one person two votes in the open poll: the link's and the card's.
    from eventapp.checkin.services import check_in, hand_out_card
    from eventapp.registration.models import Registration

    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, format="in_person", venue="Berlin", sessions=())
    cards.create_cards(organiser, event, 1)
    people = [register(event, email=f"both{i}@example.org") for i in range(20)]
    for person in people:
        check_in(organiser, event, person)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG")
    polls.open_poll(organiser, poll)
    poll_id, event_id, organiser_id = poll.id, event.id, organiser.id
    option_id = poll.candidates[0].id
    registrations = [(person.id, person.user_id) for person in people]

    def attempt(index):
        registration_id, user_id = registrations[index // 2]
        if index % 2:
            return _vote(app, poll_id, user_id, option_id)
        with app.app_context():
            try:
                hand_out_card(db.session.get(User, organiser_id),
                              db.session.get(Poll, poll_id).event,
                              db.session.get(Registration, registration_id))
                return "card"
            except DomainError as error:
                return error

    results = run_in_threads(2 * len(people), attempt)

    db.session.rollback()
    voted = set(db.session.scalars(select(Participation.user_id)
                                   .where(Participation.poll_id == poll_id)))
    carded = set(db.session.scalars(select(Registration.user_id).where(
        Registration.event_id == event_id, Registration.vote_card_received)))
    assert not voted & carded, results
    assert len(voted | carded) == len(people)  # one of the two, never neither


def test_a_crowd_of_votes_starts_one_mixer_per_full_batch(app, open_poll, organiser,
                                                          monkeypatch):
    """Each tenth vote by the poll's counter mixes, not every vote that commits while a batch
    waits: under a crowd those were wasted transactions on the hot path."""
    poll_id, user_ids, finalist_ids = open_poll(60)
    started, mix = [], mixing.mix_after_vote

    def counted_mix(poll):
        started.append(poll)
        mix(poll)

    monkeypatch.setattr(mixing, "mix_after_vote", counted_mix)

    run_in_threads(60, lambda i: _vote(app, poll_id, user_ids[i], finalist_ids[i % 3]))

    assert len(started) == 60 // app.config["BALLOT_MIX_BATCH"]
    _close(organiser, poll_id)
    assert count_rows(Ballot) == 60 and count_rows(Participation) == 60
