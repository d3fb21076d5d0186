"""The secret ballot against someone who reads the database, a backup or a copied file.

Sixty voters vote in random order for random finalists; the tests then try to pair
participations (who voted) with ballots (what was voted) the way such a reader would:
PostgreSQL's xmin, the physical order (ctid, SQLite's rowid), and every column of the
ballots. They count the correct links and the rank correlation between the order of the
voters and the order of their ballots. Pairing 60 at random gets one right on average and
7 or more with a probability below 1e-4; the rank correlation of a random order has a
standard deviation of 1/sqrt(59) = 0.13 and reaches 0.5 with a probability of about 1e-4.
"""

import logging
import random
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from eventapp.awards import cards, mixing, polls, tally, voting
from eventapp.awards.models import Ballot
from eventapp.extensions import db

VOTERS = 60
BATCH = 10
MAX_LINKS = 6
MAX_RHO = 0.5


class Election:
    """Sixty voters of an open poll, in a random order, each with a random choice: people
    with their personal link, or vote cards (whose participations name the card)."""

    def __init__(self, poll, voters, organiser, by_card=False):
        self.poll, self.voters, self.organiser = poll, voters, organiser
        self.cast = voting.cast_card_vote if by_card else voting.cast_vote
        # Where a reader finds who voted: the person's participation, or the card's.
        self.participations = ("card_participations", "card_id") if by_card else (
            "participations", "user_id")
        self.receipts: dict[int, str] = {}  # voter id -> receipt: what a reader wants to link

    def vote(self, after_each=lambda: None):
        chance = random.SystemRandom()
        for voter in self.voters:
            finalist = chance.choice(self.poll.candidates)
            self.receipts[voter.id] = self.cast(self.poll, voter, finalist.id)
            after_each()

    def close(self):
        polls.close_poll(self.organiser, self.poll)


@pytest.fixture(params=["link", "card"])
def election(request, app, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    app.config["BALLOT_MIX_BATCH"] = BATCH
    by_card = request.param == "card"
    event = create_event(finalists=3, sessions=())
    voters = cards.create_cards(organiser, event, VOTERS) if by_card else [
        register(event, email=f"secret{i}@example.org").user for i in range(VOTERS)]
    random.SystemRandom().shuffle(voters)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG")
    polls.open_poll(organiser, poll)
    return Election(poll, voters, organiser, by_card)


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _rows(sql: str, poll_id: int) -> list:
    db.session.rollback()  # read what is committed now, like an outside reader
    return db.session.execute(text(sql), {"poll": poll_id}).all()


def _participation_orders(election) -> dict[str, list[int]]:
    """The voters (user or card ids) as a reader can order them: physically and, on
    PostgreSQL, by xmin."""
    table, voter = election.participations
    orders = {"physical": "ctid" if _is_postgresql() else "rowid"}
    if _is_postgresql():
        orders["xmin"] = "xmin::text::bigint, ctid"
    return {name: [row[0] for row in _rows(
        f"SELECT {voter} FROM {table} WHERE poll_id = :poll ORDER BY {order}",
        election.poll.id)] for name, order in orders.items()}


def _joined_by_xmin(election) -> list:
    """The join of issue 15: rows written in one transaction share xmin (PostgreSQL)."""
    table, voter = election.participations
    return _rows(f"SELECT p.{voter}, b.receipt FROM {table} p JOIN ballots b "
                 "ON b.xmin = p.xmin AND b.poll_id = p.poll_id WHERE p.poll_id = :poll",
                 election.poll.id)


def _ballot_orders(poll_id: int) -> dict[str, list[str]]:
    """The receipts as a reader can order the ballots: physically, by xmin, by every column."""
    physical = "ctid" if _is_postgresql() else "rowid"
    orders = {"physical": physical, "id": "id", "receipt": "receipt",
              "option": f"option_id, {physical}"}
    if _is_postgresql():
        orders["xmin"] = "xmin::text::bigint, ctid"
    return {name: [row[0] for row in _rows(
        f"SELECT receipt FROM ballots WHERE poll_id = :poll ORDER BY {order}", poll_id)]
        for name, order in orders.items()}


def _correct_links(pairs, receipts: dict[int, str]) -> int:
    return sum(1 for user_id, receipt in pairs if receipts.get(user_id) == receipt)


def _rank_correlation(voters: list[int], receipts_in_order: list[str],
                      receipts: dict[int, str]) -> float:
    """Spearman's rho between each voter's place among the voters and their ballot's place."""
    ballot_rank = {receipt: rank for rank, receipt in enumerate(receipts_in_order)}
    pairs = [(rank, ballot_rank[receipts[user_id]]) for rank, user_id in enumerate(voters)]
    n = len(pairs)
    mean = (n - 1) / 2
    covariance = sum((a - mean) * (b - mean) for a, b in pairs)
    variance = sum((a - mean) ** 2 for a, _ in pairs)
    return covariance / variance


def test_after_the_close_no_reading_of_the_database_links_voters_to_ballots(election):
    election.vote()
    election.close()
    poll_id, receipts = election.poll.id, election.receipts

    voter_orders = _participation_orders(election)
    ballot_orders = _ballot_orders(poll_id)
    assert all(len(order) == VOTERS for order in [*voter_orders.values(),
                                                  *ballot_orders.values()])
    for voter_name, voters in voter_orders.items():
        for ballot_name, receipts_in_order in ballot_orders.items():
            attack = f"voters by {voter_name}, ballots by {ballot_name}"
            links = _correct_links(zip(voters, receipts_in_order, strict=True), receipts)
            assert links <= MAX_LINKS, attack
            assert abs(_rank_correlation(voters, receipts_in_order, receipts)) < MAX_RHO, attack
    if _is_postgresql():
        assert _correct_links(_joined_by_xmin(election), receipts) <= MAX_LINKS


def test_the_close_counts_every_receipt_and_leaves_no_ballot_waiting(election):
    election.vote()
    election.close()

    db.session.rollback()
    stored = set(db.session.scalars(select(Ballot.receipt)
                                    .where(Ballot.poll_id == election.poll.id)))
    assert stored == set(election.receipts.values())
    assert _rows("SELECT count(*) FROM ballot_inbox WHERE poll_id = :poll",
                 election.poll.id)[0][0] == 0
    assert sum(s.votes for s in tally.tally(election.poll)) == VOTERS
    ids = _rows("SELECT id FROM ballots WHERE poll_id = :poll", election.poll.id)
    assert len({row[0] for row in ids}) == VOTERS  # random ids: no sequence to count on


def test_during_the_vote_at_most_the_last_batch_is_linkable(election):
    poll_id = election.poll.id
    waiting = []

    def look():
        waiting.append(_rows("SELECT count(*) FROM ballot_inbox WHERE poll_id = :poll",
                             poll_id)[0][0])
        if _is_postgresql():
            assert not _joined_by_xmin(election)

    election.vote(after_each=look)

    # A batch leaves the inbox as soon as it is full: never more than BATCH - 1 wait there.
    assert waiting == [count % BATCH for count in range(1, VOTERS + 1)]
    assert db.session.scalar(select(func.count()).select_from(Ballot)
                             .where(Ballot.poll_id == poll_id)) == VOTERS
    with pytest.raises(tally.NotCountedYet):
        tally.tally(election.poll)  # counting waits for the close, which mixes the rest


def test_during_the_vote_each_batch_is_written_in_a_random_order(election):
    election.vote()  # sixty votes: six full batches moved, none waiting
    voters = _participation_orders(election)["physical"]
    receipts = _ballot_orders(election.poll.id)["physical"]
    # The batches follow each other in time; within a batch the k-th ballot written is the
    # k-th voter's by chance only: one link per batch on average (six), 60 if unshuffled.
    assert _correct_links(zip(voters, receipts, strict=True), election.receipts) <= 20


def test_a_failing_mixer_costs_the_vote_nothing(election, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("mixer down")

    monkeypatch.setattr(mixing, "_mix_full_batch", broken)
    with caplog.at_level(logging.ERROR, logger="eventapp.awards.mixing"):
        election.vote()
    assert "mixer down" in caplog.text
    assert _rows("SELECT count(*) FROM ballot_inbox WHERE poll_id = :poll",
                 election.poll.id)[0][0] == VOTERS
    monkeypatch.undo()

    election.close()

    stored = set(db.session.scalars(select(Ballot.receipt)
                                    .where(Ballot.poll_id == election.poll.id)))
    assert stored == set(election.receipts.values())


def test_a_vote_does_not_wait_for_a_running_mixer(app, election):
    if not _is_postgresql():
        pytest.skip("on SQLite every writer waits for the one before: there is no try-lock")
    # Another app server is mixing this poll's ballots: it holds the poll's mixing lock.
    holder = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with holder.connect() as other:
        other.execute(select(func.pg_advisory_lock(mixing.MIXING_LOCK, election.poll.id)))
        started = time.monotonic()
        election.vote()
        elapsed = time.monotonic() - started
        other.execute(select(func.pg_advisory_unlock(mixing.MIXING_LOCK, election.poll.id)))
    holder.dispose()

    assert elapsed < 30  # sixty votes, none of them waiting for the lock
    assert _rows("SELECT count(*) FROM ballot_inbox WHERE poll_id = :poll",
                 election.poll.id)[0][0] == VOTERS
    election.close()
    assert db.session.scalar(select(func.count()).select_from(Ballot)
                             .where(Ballot.poll_id == election.poll.id)) == VOTERS


def test_a_copied_sqlite_file_holds_each_ballot_once(app, election):
    if _is_postgresql():
        pytest.skip("the database file of SQLite")
    election.vote()
    election.close()

    db.session.remove()
    database = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    wal = database.with_name(database.name + "-wal")
    content = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    # Each receipt lives in its ballot row and in the unique index (poll, receipt), nowhere
    # else: no deleted inbox row, no earlier copy of a page that sat next to a participation.
    copies = {receipt: content.count(receipt.encode()) for receipt in election.receipts.values()}
    assert set(copies.values()) == {2}
    assert len(copies) == VOTERS
    table, _voter = election.participations
    assert db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == VOTERS
