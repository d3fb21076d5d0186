"""Random serial dictatorship as a pure function: capacities are never exceeded, everyone who
ranked gets a seat while seats suffice, nobody is passed over for a session that kept a seat,
and one seed always gives the same result."""

from hypothesis import given, settings
from hypothesis import strategies as st

from eventapp.allocation.serial_dictatorship import allocate

SESSIONS = st.dictionaries(st.integers(1, 8), st.integers(0, 6), min_size=1, max_size=6)


@st.composite
def problems(draw):
    free = draw(SESSIONS)
    ids = sorted(free)
    people = draw(st.integers(0, 40))
    rankings = {person: draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
                for person in range(people)}
    return rankings, free, draw(st.integers(0, 10**6))


@settings(max_examples=400, deadline=None)
@given(problems())
def test_capacities_hold_and_seats_go_to_those_who_ranked(problem):
    rankings, free, seed = problem
    placements = allocate(rankings, free, seed)

    taken = {session_id: 0 for session_id in free}
    for placement in placements.values():
        if placement.session_id is not None:
            taken[placement.session_id] += 1
    assert all(taken[session_id] <= free[session_id] for session_id in free)
    assert set(placements) == set(rankings)
    if len(rankings) <= sum(free.values()):
        assert all(p.session_id is not None for p in placements.values())
    for person, placement in placements.items():
        if placement.rank is not None:
            assert rankings[person][placement.rank - 1] == placement.session_id
        # Passed over only for sessions that are full in the end.
        better = rankings[person][:(placement.rank or len(rankings[person]) + 1) - 1]
        assert all(taken[session_id] == free[session_id] for session_id in better)


def test_same_seed_same_result_another_seed_another_order():
    rankings = {person: [1, 2] for person in range(10)}
    free = {1: 1, 2: 1}
    first = allocate(rankings, free, 7)
    assert allocate(rankings, free, 7) == first
    winners = {tuple(sorted(p for p, placement in allocate(rankings, free, seed).items()
                            if placement.rank == 1)) for seed in range(30)}
    assert len(winners) > 1  # the lot decides who goes first
