"""Database plumbing shared by every feature: UTC timestamps, SQLite tuning, write transactions."""

import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .extensions import db

_IMMEDIATE = "eventapp_begin_immediate"
_FLUSHED_OUTSIDE = "eventapp_flushed_outside_write_transaction"
_AFTER_COMMIT = "eventapp_after_commit"
# The largest value of an id column (PostgreSQL's integer); a larger number names no row.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC (SQLite has no time zones) and returned aware in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime in UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout, foreign keys, and our own BEGIN so writers can ask for IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, so that a copy of the file keeps no trace of
        # a ballot that waited in the inbox beside its participation (awards/mixing.py).
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()
        # SQLite's lower() knows only A to Z; Python's knows Ö and Ü, as PostgreSQL's does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred transaction that reads first and writes later fails at once with
        # "database is locked" when another writer is active, whatever the busy timeout;
        # IMMEDIATE takes the write lock up front and waits politely instead.
        if connection.get_execution_options().get(_IMMEDIATE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def configure_postgresql(engine: Engine) -> None:
    """Lend out no pooled connection that the server has closed (a restart, a failover, an
    administrator), without a round trip to find out.

    An idle connection receives nothing from the server but its goodbye: when the server
    ends it, the error message and the end of the stream wait on the socket. So a readable
    socket (or one already closed) means a dead connection, and the pool opens a new one in
    its place. This replaces `pool_pre_ping`, which sent an empty statement before every
    request's first one: one more message for the vote to wait for (bench/README.md).
    """

    @event.listens_for(engine, "checkout")
    def _refuse_closed_connection(dbapi_connection, _record, _proxy):
        if dbapi_connection.closed or dbapi_connection.broken:
            raise exc.DisconnectionError("the connection was closed")
        # poll(), not select(): a busy server's sockets may be numbered past select()'s 1,024.
        waiting = select.poll()
        waiting.register(dbapi_connection.fileno(), select.POLLIN)
        if waiting.poll(0):  # readable, hung up or failed
            raise exc.DisconnectionError("the server closed the connection")


@event.listens_for(Session, "after_flush")
def _note_flush_outside(session: Session, _context) -> None:
    if not session.info.get(_IMMEDIATE):
        session.info[_FLUSHED_OUTSIDE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush_outside(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FLUSHED_OUTSIDE, None)


@contextmanager
def write_transaction(expire_on_commit: bool = True) -> Iterator[None]:
    """Run the block as one write transaction and commit it; roll back on any error.

    Every service that changes data uses this. On SQLite it begins IMMEDIATE; on
    PostgreSQL it is a plain transaction and correctness comes from constraints and
    conditional updates, not from the isolation level. Nested use joins the outer
    transaction, so one service may call another and the outermost one commits.
    `expire_on_commit=False` suits blocks that change no loaded object (Core inserts and
    updates): what the request loaded stays usable without being read again.

    Changes made before the block (added, changed or flushed objects) are refused with a
    RuntimeError on both databases: SQLite would have to commit them before its IMMEDIATE
    begin, PostgreSQL would commit or roll them back with the block. Reading before the
    block is fine.
    """
    session = db.session()
    if session.info.get(_IMMEDIATE):
        yield
        return
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED_OUTSIDE):
        raise RuntimeError("changes made outside write_transaction(); make them inside it")
    if session.get_bind().dialect.name == "sqlite":
        # End the read transaction the request opened (it holds no changes, see above), so
        # that the next one begins IMMEDIATE; PostgreSQL simply goes on in the one it is in.
        if session.in_transaction():
            session.commit()
        session.connection(execution_options={_IMMEDIATE: True})
    session.info[_IMMEDIATE] = True
    previous, session.expire_on_commit = session.expire_on_commit, expire_on_commit
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(_AFTER_COMMIT, None)
        raise
    finally:
        session.info.pop(_IMMEDIATE, None)
        session.expire_on_commit = previous
    for action in session.info.pop(_AFTER_COMMIT, ()):
        action()


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current write transaction has committed; never if it rolls back.

    For work that must not share the transaction (the ballot mixer) or cannot run inside
    one (VACUUM); it runs when the outermost write_transaction has committed.
    """
    session = db.session()
    if not session.info.get(_IMMEDIATE):
        raise RuntimeError("after_commit() needs a write_transaction()")
    session.info.setdefault(_AFTER_COMMIT, []).append(action)
