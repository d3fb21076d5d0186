"""Random serial dictatorship: people in an order drawn by lot (from a seed), each taking
their highest-ranked session that still has a seat. Strategy-proof (ranking honestly is best)
and fair ex ante (everyone has the same chance of every place in the order). Someone whose
ranked sessions are all full gets a seat where seats remain, as long as any do; capacities are
never exceeded. Pure: no database, so the property tests run it on thousands of rankings."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    session_id: int | None  # None: no seat left anywhere in the slot
    rank: int | None        # 1 for the first choice; None when placed outside the ranking


def allocate(rankings: dict[int, list[int]], free: dict[int, int],
             seed: int | str) -> dict[int, Placement]:
    """rankings: person -> session ids, best first; free: session id -> free seats."""
    order = sorted(rankings)
    random.Random(seed).shuffle(order)
    left = {session_id: max(seats, 0) for session_id, seats in free.items()}
    placements = {}
    for person in order:
        placement = next((Placement(session_id, rank)
                          for rank, session_id in enumerate(rankings[person], 1)
                          if left.get(session_id, 0) > 0), None)
        if placement is None:
            # Most free seats first (ties: the lowest id), so the rest spread evenly.
            remaining = sorted((session_id for session_id, seats in left.items() if seats > 0),
                               key=lambda session_id: (-left[session_id], session_id))
            placement = Placement(remaining[0] if remaining else None, None)
        if placement.session_id is not None:
            left[placement.session_id] -= 1
        placements[person] = placement
    return placements
