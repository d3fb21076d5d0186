"""Rules of the award vote: eligibility, one vote, own finalist, tally, ties, run-off."""

import pytest

from eventapp.awards import eligibility, polls, receipts, tally, voting
from eventapp.awards.finalists import set_team_member
from eventapp.awards.hall_of_fame import hall_of_fame
from eventapp.awards.models import PollStatus
from eventapp.errors import Conflict
from eventapp.registration import services as registration


@pytest.fixture
def poll_with_voters(app, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True

    def factory(voters=6, finalists=3, **options):
        event = create_event(finalists=finalists, sessions=())
        users = [register(event, email=f"r{i}@example.org").user for i in range(voters)]
        poll = polls.create_poll(organiser, event, "ClusterERFOLG", **options)
        polls.open_poll(organiser, poll)
        return poll, users, poll.candidates

    return factory


def test_receipts_are_unique_and_readable(poll_with_voters):
    poll, users, finalists = poll_with_voters(voters=3)
    codes = [voting.cast_vote(poll, user, finalists[0].id) for user in users]
    assert len(set(codes)) == 3
    for receipt in codes:
        assert len(receipt) == 11 and receipt[5] == "-"
        assert receipts.normalise_receipt(receipt.lower().replace("-", " ")) == receipt


def test_every_symbol_can_stand_in_every_place_of_a_receipt():
    # A receipt is drawn at once from 31**10 numbers; a short draw would fix some places.
    drawn = [receipts.new_receipt().replace("-", "") for _ in range(3000)]
    for place in range(receipts.RECEIPT_LENGTH):
        assert {receipt[place] for receipt in drawn} == set(receipts.RECEIPT_ALPHABET)


def test_second_vote_is_refused_and_changes_nothing(poll_with_voters, organiser):
    poll, users, finalists = poll_with_voters(voters=1)
    voting.cast_vote(poll, users[0], finalists[0].id)
    with pytest.raises(voting.AlreadyVoted):
        voting.cast_vote(poll, users[0], finalists[1].id)
    polls.close_poll(organiser, poll)
    assert [s.votes for s in tally.tally(poll)] == [1, 0, 0]


def test_only_confirmed_participants_of_the_event_may_vote(poll_with_voters, create_event,
                                                           register):
    poll, users, finalists = poll_with_voters(voters=2)
    outsider = register(create_event(sessions=()), email="outsider@example.org").user
    with pytest.raises(eligibility.NotEligible):
        voting.cast_vote(poll, outsider, finalists[0].id)
    registration.cancel(registration.get_registration(poll.event, users[1]))
    with pytest.raises(eligibility.NotEligible):
        voting.cast_vote(poll, users[1], finalists[0].id)


def test_checked_in_only_poll_refuses_who_has_not_checked_in(poll_with_voters):
    poll, users, finalists = poll_with_voters(voters=1, eligibility="checked_in")
    assert poll.eligible_count == 0
    with pytest.raises(eligibility.NotEligible):
        voting.cast_vote(poll, users[0], finalists[0].id)


def test_team_members_vote_but_not_for_their_own_finalist(poll_with_voters, organiser):
    poll, users, finalists = poll_with_voters(voters=1)
    set_team_member(organiser, finalists[0].finalist, users[0], member=True)
    with pytest.raises(voting.OwnFinalist):
        voting.cast_vote(poll, users[0], finalists[0].id)
    assert voting.cast_vote(poll, users[0], finalists[1].id)


def test_voter_reads_registration_teams_and_participation_together(poll_with_voters,
                                                                   organiser):
    poll, users, finalists = poll_with_voters(voters=2)
    other_poll, _, other_finalists = poll_with_voters(voters=0)
    for finalist in (finalists[0], finalists[2], other_finalists[1]):
        set_team_member(organiser, finalist.finalist, users[0], member=True)
    voting.cast_vote(poll, users[0], finalists[1].id)

    member = eligibility.voter_in(poll, users[0])
    assert member == eligibility.Voter("confirmed", checked_in=False, present_online=False,
                                  has_card=False,
                                  has_voted=True,
                                  own_finalist_ids=frozenset({finalists[0].finalist_id,
                                                              finalists[2].finalist_id}))
    assert eligibility.voter_in(poll, users[1]).own_finalist_ids == frozenset()
    assert not eligibility.voter_in(poll, users[1]).has_voted
    stranger = eligibility.voter_in(other_poll, users[1])
    assert stranger.registration_status is None
    with pytest.raises(eligibility.NotEligible):
        eligibility.check_eligible(other_poll, stranger)


def test_closed_poll_refuses_votes(poll_with_voters, organiser):
    poll, users, finalists = poll_with_voters(voters=1)
    polls.close_poll(organiser, poll)
    with pytest.raises(voting.PollNotOpen):
        voting.cast_vote(poll, users[0], finalists[0].id)


def test_tally_ranks_ties_together(poll_with_voters, organiser):
    poll, users, (a, b, c) = poll_with_voters(voters=5)
    for user, finalist in zip(users, [a, b, b, c, c], strict=True):
        voting.cast_vote(poll, user, finalist.id)
    with pytest.raises(tally.NotCountedYet):
        tally.tally(poll)  # the close mixes the last ballots in first
    polls.close_poll(organiser, poll)
    standings = tally.tally(poll)
    assert [(s.option_id, s.finalist_id, s.votes, s.rank) for s in standings] == [
        (b.id, b.finalist_id, 2, 1), (c.id, c.finalist_id, 2, 1), (a.id, a.finalist_id, 1, 3)]
    assert {s.option_id for s in tally.tied_at_top(standings)} == {b.id, c.id}


def test_tie_at_the_top_leads_to_a_runoff_among_the_tied(poll_with_voters, organiser):
    poll, users, (a, b, c) = poll_with_voters(voters=4)
    for user, finalist in zip(users, [a, a, b, b], strict=True):
        voting.cast_vote(poll, user, finalist.id)
    polls.close_poll(organiser, poll)

    runoff = polls.start_runoff(organiser, poll)

    assert runoff.parent_id == poll.id and runoff.status == PollStatus.DRAFT
    assert [o.finalist_id for o in runoff.candidates] == [a.finalist_id, b.finalist_id]
    assert poll.status == PollStatus.ANNOUNCED  # the tied result is published as it stands
    polls.open_poll(organiser, runoff)
    voting.cast_vote(runoff, users[0], runoff.candidates[1].id)
    polls.close_poll(organiser, runoff)
    polls.announce(organiser, runoff)
    polls.reveal_results(organiser, runoff, show=True)
    (entry,) = hall_of_fame()
    # The award keeps its own title in the hall of fame, not the run-off's.
    assert entry.award == poll.title and entry.winners == [(b.organisation, b.project_title)]


def test_no_runoff_without_a_tie_and_announced_results_never_change(poll_with_voters,
                                                                     organiser):
    poll, users, (a, b, _c) = poll_with_voters(voters=2)
    voting.cast_vote(poll, users[0], a.id)
    polls.close_poll(organiser, poll)
    with pytest.raises(Conflict):
        polls.start_runoff(organiser, poll)
    snapshot = polls.announce(organiser, poll)
    assert snapshot.ranking[0]["organisation"] == a.organisation
    with pytest.raises(Conflict):
        polls.announce(organiser, poll)
    polls.reveal_results(organiser, poll, show=False)
    assert tally.receipts_of(poll)[0][1] == a.id
