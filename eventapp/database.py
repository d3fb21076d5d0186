"""Database plumbing shared by every feature: UTC timestamps, SQLite tuning, write transactions."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db

_IMMEDIATE = "eventapp_begin_immediate"


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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred transaction that reads first and writes later fails at once with
        # "database is locked" when another writer is active, whatever the busy timeout;
        # IMMEDIATE takes the write lock up front and waits politely instead.
        if connection.get_execution_options().get(_IMMEDIATE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@contextmanager
def write_transaction(expire_on_commit: bool = True) -> Iterator[None]:
    """Run the block as one write transaction and commit it; roll back on any error.

    Every service that changes data uses this. On SQLite it begins IMMEDIATE; on
    PostgreSQL it is a plain transaction and correctness comes from constraints and
    conditional updates, not from the isolation level. Nested use joins the outer
    transaction, so one service may call another and the outermost one commits.
    `expire_on_commit=False` suits blocks that change no loaded object (Core inserts and
    updates): what the request loaded stays usable without being read again.
    """
    session = db.session()
    if session.info.get(_IMMEDIATE):
        yield
        return
    if session.get_bind().dialect.name == "sqlite":
        # End the read transaction the request opened, so that the next one begins
        # IMMEDIATE; PostgreSQL simply goes on in the transaction it is in.
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
        raise
    finally:
        session.info.pop(_IMMEDIATE, None)
        session.expire_on_commit = previous
