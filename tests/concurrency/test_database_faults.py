"""The vote goes on through database faults on PostgreSQL: every connection of the app
dropped in the middle of a burst (`pg_terminate_backend`, as in a restart or a failover),
and an organiser's transaction that holds the poll row for seconds.

The app under test is a second app on the test schema whose connections carry their own
application_name: the test drops exactly those, never another session on the shared server.
"""

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, text

from eventapp.awards import polls
from eventapp.awards.models import Ballot, InboxBallot, Participation, Poll
from eventapp.extensions import db
from eventapp.mailing.models import MailStatus, OutgoingMail
from eventapp.mailing.queue import queue_mails

from ..helpers import app_on, run_in_threads, sign_in

ROOT = Path(__file__).resolve().parents[2]
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]+)<')
NAME = f"eventapp_faults_{os.getpid()}"

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("drops connections and holds row locks on PostgreSQL (TEST_DATABASE_URL); "
                    "on SQLite a connection is a file handle, and tests/app/test_faults.py covers "
                    "its busy timeout")
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _named(url: str, name: str = NAME) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


@pytest.fixture
def faulty(app, postgres):
    """The app under test, on the same schema, with connections named for this test."""
    twin = app_on(app, _named(postgres))
    yield twin
    with twin.app_context():
        db.engine.dispose()


def _backends(condition: str = "true", name: str = NAME, **params) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
            f"AND {condition}"), {"name": name, **params})


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _drop_connections(name: str = NAME) -> None:
    """Terminate every backend of the app under test, as a database restart would, and wait
    until they are gone (requests waiting for a connection may open new ones at once)."""
    with db.engine.connect() as connection:
        pids = list(connection.scalars(text(
            "SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": name}))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                           {"pids": pids})
    _wait_for(lambda: _backends("pid = ANY(:pids)", name=name, pids=pids) == 0)


class LockHolder:
    """An organiser's transaction (or a stuck migration) holding a row or table lock."""

    def __init__(self, statement: str, **params):
        db.session.rollback()  # the test's own read transaction would hold up a table lock
        self.connection = db.engine.connect()
        self.connection.execute(text(statement), params)

    def release(self):
        self.connection.rollback()
        self.connection.close()


@pytest.fixture
def hall(app, faulty, create_event, register, organiser):
    """An open poll and `count` signed-in voters of the app under test."""
    app.config["MAIL_SUPPRESS_SEND"] = True

    def factory(count: int):
        event = create_event(finalists=3, sessions=())
        users = [register(event, email=f"f{i}@example.org").user for i in range(count)]
        poll = polls.create_poll(organiser, event, "ClusterERFOLG")
        polls.open_poll(organiser, poll)
        finalists = [f.id for f in poll.candidates]
        voters = []
        for index, user in enumerate(users):
            client = faulty.test_client()
            sign_in(client, user)
            ballot = {"finalist": finalists[index % 3], "confirmed": "1",
                      "csrf_token": client.csrf_token()}
            voters.append((client, ballot))
        return event.slug, poll.id, voters

    return factory


def _vote(slug, voter):
    """(status, receipt or None, Retry-After, seconds taken) of one ballot sent."""
    client, ballot = voter
    started = time.monotonic()
    response = client.post(f"/events/{slug}/vote", data=ballot)
    found = RECEIPT.search(response.get_data(as_text=True))
    return (response.status_code, found.group(1) if found else None,
            response.headers.get("Retry-After"), time.monotonic() - started)


def _assert_counted_once(poll_id, voters, receipts):
    """Every shown receipt is stored, every voter voted exactly once, the counter agrees."""
    db.session.rollback()
    # Ballots wait in the inbox until a batch is mixed into the ballot table.
    stored = {receipt for model in (Ballot, InboxBallot) for receipt in db.session.scalars(
        select(model.receipt).where(model.poll_id == poll_id))}
    participations = db.session.scalar(select(func.count()).select_from(Participation)
                                       .where(Participation.poll_id == poll_id))
    assert receipts <= stored
    assert len(stored) == participations == len(voters)
    assert db.session.get(Poll, poll_id).votes_cast == len(voters)


def test_votes_in_flight_when_every_connection_drops_get_503_and_count_once_retried(
        faulty, hall, create_event):
    slug, poll_id, voters = hall(24)
    holder = LockHolder("SELECT id FROM polls WHERE id = :id FOR UPDATE", id=poll_id)
    results: list = []
    burst = threading.Thread(target=lambda: results.extend(
        run_in_threads(len(voters), lambda i: _vote(slug, voters[i]))))
    burst.start()
    try:
        # Votes are in flight, waiting for the poll row: now the database "restarts".
        _wait_for(lambda: _backends("wait_event_type = 'Lock'") >= 5)
        _drop_connections()
    finally:
        holder.release()
    burst.join()

    assert not [r for r in results if isinstance(r, Exception)]
    statuses = {status for status, *_ in results}
    assert statuses <= {200, 503} and 503 in statuses
    assert all(retry == "2" for status, _, retry, _ in results if status == 503)
    receipts = {receipt for status, receipt, *_ in results if status == 200}
    retried = [_vote(slug, voters[i]) for i, r in enumerate(results) if r[0] == 503]
    assert {status for status, *_ in retried} <= {200, 409}  # 409: it had counted after all
    receipts |= {receipt for status, receipt, *_ in retried if status == 200}
    _assert_counted_once(poll_id, voters, receipts)


def test_the_pool_replaces_dropped_connections_before_anyone_notices(faulty, create_event):
    slug = create_event(sessions=()).slug
    client = faulty.test_client()
    warm = run_in_threads(6, lambda _i: faulty.test_client().get(f"/events/{slug}/"))
    assert [r.status_code for r in warm] == [200] * 6
    assert _backends() >= 2  # the pool holds several idle connections

    _drop_connections()
    started = time.monotonic()
    answers = [client.get(f"/events/{slug}/").status_code for _ in range(5)]

    assert answers == [200] * 5
    assert time.monotonic() - started < 1.0  # serving normally again within a second


def test_lending_a_pooled_connection_costs_no_round_trip(faulty):
    """The pool tells a connection the server closed by its socket (the server's goodbye is
    waiting there), not by pinging every one it lends: the vote spends no round trip on it."""
    with faulty.app_context():
        pool = db.engine
    with pool.connect() as connection:
        connection.execute(text("SELECT 'last words'"))
    returned = _last_statement()  # the pool's rollback as it took the connection back
    with pool.connect():
        assert _last_statement() == returned != ";"

    _drop_connections()
    with pool.connect() as connection:  # the dead one in the pool is replaced
        assert connection.scalar(text("SELECT 'alive'")) == "alive"


def test_the_pool_checks_connections_of_any_file_number(faulty):
    """A busy server holds more than 1,024 files (the phones' sockets): the socket check
    must work past select()'s limit."""
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with faulty.app_context():
            pool = db.engine
        with pool.connect() as connection:  # a new connection: its file number is > 1,100
            connection.execute(text("SELECT 1"))
        with pool.connect() as connection:  # lent out again, checked
            assert connection.connection.dbapi_connection.fileno() > 1024
            assert connection.scalar(text("SELECT 'alive'")) == "alive"
    finally:
        for handle in held:
            os.close(handle)


def _last_statement(name: str = NAME) -> str:
    with db.engine.connect() as connection:
        return connection.scalar(text(
            "SELECT query FROM pg_stat_activity WHERE application_name = :name"), {"name": name})


def test_live_state_polls_in_flight_get_503_json_and_the_next_one_is_fine(
        faulty, create_event):
    slug = create_event(sessions=()).slug
    client = faulty.test_client()
    tag = client.get(f"/live/{slug}/state").headers["ETag"]
    # A stuck migration: even reading the events table waits.
    holder = LockHolder("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
    polls = [{"Accept": "application/json"}, {"Accept": "application/json"},
             {"Accept": "application/json", "If-None-Match": '"0-0-0"'}]
    results: list = []
    phones = threading.Thread(target=lambda: results.extend(run_in_threads(
        len(polls), lambda i: faulty.test_client().get(f"/live/{slug}/state",
                                                        headers=polls[i]))))
    phones.start()
    try:
        _wait_for(lambda: _backends("wait_event_type = 'Lock'") == len(polls))
        _drop_connections()
    finally:
        holder.release()
    phones.join()

    assert not [r for r in results if isinstance(r, Exception)]
    # The shortcut's query failed; Flask answered from a fresh connection or with a 503.
    assert all(r.status_code in (200, 503) for r in results)
    unavailable = [r for r in results if r.status_code == 503]
    assert len(unavailable) >= 2
    assert all(r.get_json()["error"] == "unavailable" and r.headers["Retry-After"] == "2"
               for r in unavailable)
    assert client.get(f"/live/{slug}/state", headers={"If-None-Match": tag}).status_code == 304


def _status(subject: str) -> str:
    db.session.rollback()  # see what the worker committed
    return db.session.scalar(select(OutgoingMail.status)
                             .where(OutgoingMail.subject.contains(subject)))


@pytest.fixture
def slow_smtp():
    """An SMTP server that takes a second per message, so a delivery can be caught mid-way."""

    class Slow:
        def __init__(self):
            self.receiving = threading.Event()
            self.subjects: list[str] = []

        async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd API)
            self.receiving.set()
            await asyncio.sleep(1.0)
            subject = re.search(rb"^Subject: (.*)$", envelope.content, re.M).group(1)
            self.subjects.append(subject.decode().strip())
            return "250 OK"

    handler = Slow()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_mail_worker_survives_a_dropped_connection_and_goes_on(
        app, postgres, slow_smtp, create_event, register):
    port, smtp = slow_smtp
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=())
    user = register(event, email="post@example.org").user
    name = f"{NAME}_mail"
    env = {**os.environ, "EVENTAPP_DATABASE_URL": _named(postgres, name),
           "EVENTAPP_MAIL_SERVER": "127.0.0.1", "EVENTAPP_MAIL_PORT": str(port)}
    queue_mails(None, event, "message", [user], "Erste", "message", body="eins")
    worker = subprocess.Popen([str(Path(sys.executable).with_name("flask")), "--app", "wsgi",
                               "mail", "deliver", "--loop"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert smtp.receiving.wait(timeout=30)  # the batch is claimed and being sent
        # Recording it as sent will wait for this lock; the database "restarts" meanwhile.
        holder = LockHolder("SELECT id FROM outgoing_mails FOR UPDATE")
        try:
            _wait_for(lambda: _backends("wait_event_type = 'Lock'", name=name) == 1)
            _drop_connections(name)
        finally:
            holder.release()
        queue_mails(None, event, "message", [user], "Zweite", "message", body="zwei")
        _wait_for(lambda: _status("Zweite") == MailStatus.SENT, timeout=30)
        alive = worker.poll() is None
    finally:
        worker.terminate()
        _output, errors = worker.communicate(timeout=20)
    assert alive, errors.decode()
    assert any("Erste" in subject for subject in smtp.subjects)
    assert "database unavailable" in errors.decode()


def test_a_held_poll_row_makes_votes_503_after_the_lock_timeout_while_pages_answer(
        app, postgres, create_event, register, organiser):
    impatient = app_on(app, _named(postgres), VOTE_LOCK_TIMEOUT_MS=1000,
                       VOTE_STATEMENT_TIMEOUT_MS=3000)
    try:
        _held_poll_row_burst(app, impatient, create_event, register, organiser)
    finally:
        with impatient.app_context():
            db.engine.dispose()


def _held_poll_row_burst(app, impatient, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    users = [register(event, email=f"l{i}@example.org").user for i in range(20)]
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    poll_id, slug, finalist = poll.id, event.slug, poll.candidates[0].id
    voters = []
    for user in users:
        client = impatient.test_client()
        sign_in(client, user)
        voters.append((client, {"finalist": finalist, "confirmed": "1",
                                "csrf_token": client.csrf_token()}))

    holder = LockHolder("SELECT id FROM polls WHERE id = :id FOR UPDATE", id=poll_id)
    held_until = time.monotonic() + 5
    release = threading.Timer(5, holder.release)
    release.start()
    pages: list = []

    def browse():
        reader = impatient.test_client()
        while time.monotonic() < held_until - 0.5:
            started = time.monotonic()
            status = reader.get(f"/events/{slug}/").status_code
            pages.append((status, time.monotonic() - started))
            time.sleep(0.2)

    browser = threading.Thread(target=browse)
    browser.start()
    results = run_in_threads(len(voters), lambda i: _vote(slug, voters[i]))
    browser.join()
    release.join()

    assert not [r for r in results if isinstance(r, Exception)]
    assert {status for status, *_ in results} == {503}
    assert all(retry == "2" for _, _, retry, _ in results)
    assert max(seconds for *_, seconds in results) < 4.5  # nobody waited for the whole hold
    assert pages and all(status == 200 for status, _ in pages)
    assert max(seconds for _, seconds in pages) < 3  # other pages kept answering
    retried = [_vote(slug, voter) for voter in voters]
    assert {status for status, *_ in retried} == {200}
    _assert_counted_once(poll_id, voters, {receipt for _, receipt, *_ in retried})


def test_a_statement_timeout_ends_a_vote_that_waits_too_long(
        app, postgres, create_event, register, organiser):
    impatient = app_on(app, _named(postgres), VOTE_LOCK_TIMEOUT_MS=0,
                       VOTE_STATEMENT_TIMEOUT_MS=500)
    event = create_event(finalists=2, sessions=())
    user = register(event, email="eilig@example.org").user
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    client = impatient.test_client()
    sign_in(client, user)
    voter = (client, {"finalist": poll.candidates[0].id, "confirmed": "1",
                      "csrf_token": client.csrf_token()})
    holder = LockHolder("SELECT id FROM polls WHERE id = :id FOR UPDATE", id=poll.id)
    release = threading.Timer(3, holder.release)  # without a timeout, the vote waits that long
    release.start()
    status, _receipt, retry, seconds = _vote(event.slug, voter)
    release.join()
    assert (status, retry) == (503, "2") and seconds < 2
    assert _vote(event.slug, voter)[0] == 200
    with impatient.app_context():
        db.engine.dispose()
