"""The backup and restore drill of docs/operations.md, after a finished vote.

PostgreSQL: `pg_dump --format=custom` of the test schema, `pg_restore` into a fresh database.
SQLite: the online backup API (what `sqlite3 eventapp.sqlite ".backup copy.sqlite"` does).
The restored copy must show the same results page, receipts and hall of fame, and must not
link a ballot to its voter any better than the original (physical row order, the one
trace a dump keeps).
"""

import os
import re
import sqlite3
import subprocess
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from eventapp.awards import results, tally, voting
from eventapp.awards.models import Poll
from eventapp.extensions import db
from eventapp.live import services as live

from ..helpers import app_on

VOTERS = 30
CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


@pytest.fixture
def finished_vote(app, create_event, register, organiser):
    """A vote held, closed, announced and revealed: (slug, poll id, receipt of each voter)."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=3, sessions=())
    users = [register(event, email=f"wahl{i}@example.org").user for i in range(VOTERS)]
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    finalists = [f.id for f in poll.candidates]
    receipts = {}
    for index, user in enumerate(users):  # 14, 10 and 6 votes: no tie
        choice = finalists[0 if index < 14 else 1 if index < 24 else 2]
        receipts[user.id] = voting.cast_vote(poll, user, choice)
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    for _ in finalists:
        live.reveal_next(organiser, event)
    return event.slug, poll.id, receipts


@contextmanager
def _restore_postgresql(url: str, tmp_path):
    """Dump the test schema and restore it into a fresh database; yields the copy's URL."""
    source = make_url(url)
    schema = re.search(r"search_path=(\w+)", source.query["options"]).group(1)
    env = {**os.environ, "PGHOST": source.host, "PGPORT": str(source.port or 5432),
           "PGUSER": source.username, "PGPASSWORD": source.password or ""}
    dump = tmp_path / "eventapp.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--schema={schema}", f"--file={dump}",
                    source.database], env=env, check=True)
    copy = f"eventapp_restore_{os.getpid()}"
    server = create_engine(source.set(query={}), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {copy}"))
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}",
                        str(dump)], env=env, check=True)
        yield source.set(database=copy).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)"))
        server.dispose()


@contextmanager
def _restore_sqlite(url: str, tmp_path):
    """Copy the live file with SQLite's online backup API; yields the copy's URL."""
    copy = tmp_path / "restored.sqlite"
    source, target = sqlite3.connect(make_url(url).database), sqlite3.connect(copy)
    try:
        source.backup(target)  # consistent, WAL included, while the app goes on writing
    finally:
        source.close()
        target.close()
    yield f"sqlite:///{copy}"


@pytest.fixture
def restored(app, finished_vote, tmp_path):
    """The app on a copy restored from a backup taken after the vote."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.rollback()
    drill = _restore_postgresql if url.startswith("postgresql") else _restore_sqlite
    with drill(url, tmp_path) as copy_url:
        copy = app_on(app, copy_url)
        yield copy
        with copy.app_context():
            db.engine.dispose()


def _pages(target, slug: str, receipt: str) -> dict[str, str]:
    client = target.test_client()
    pages = {}
    for path in (f"/events/{slug}/results", f"/events/{slug}/results?receipt={receipt}",
                 "/hall-of-fame", f"/live/{slug}/state"):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = CSRF.sub("", response.get_data(as_text=True))
    return pages


def _stored(target, poll_id: int):
    with target.app_context():
        poll = db.session.get(Poll, poll_id)
        schema = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        return tally.receipts_of(poll), results.snapshot_of(poll).ranking, schema


def test_a_restored_backup_shows_the_same_result_receipts_and_hall_of_fame(
        app, finished_vote, restored):
    slug, poll_id, receipts = finished_vote
    some_receipt = next(iter(receipts.values()))

    assert _pages(restored, slug, some_receipt) == _pages(app, slug, some_receipt)
    original = _stored(app, poll_id)
    assert _stored(restored, poll_id) == original
    assert sorted(r for r, _ in original[0]) == sorted(receipts.values())


def _physical_order_pairs(target, poll_id: int) -> list[tuple[int, str]]:
    """Participations and ballots paired by where they sit in their tables."""
    with target.app_context():
        position = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
        voters = db.session.scalars(text(
            f"SELECT user_id FROM participations WHERE poll_id = :poll ORDER BY {position}"),
            {"poll": poll_id})
        ballots = db.session.scalars(text(
            f"SELECT receipt FROM ballots WHERE poll_id = :poll ORDER BY {position}"),
            {"poll": poll_id})
        return list(zip(voters, ballots, strict=True))


def test_the_restored_copy_cannot_link_a_ballot_to_its_voter(finished_vote, restored):
    _slug, poll_id, receipts = finished_vote
    pairs = _physical_order_pairs(restored, poll_id)
    linked = sum(receipts[voter] == receipt for voter, receipt in pairs)
    # By chance one pair of the 30 is right on average; six or more happen in < 0.1 %.
    assert len(pairs) == VOTERS and linked <= 5
