"""Database faults that pass: a dropped connection, a lock or statement timeout, a busy server.

A request that meets one gets a short 503 with Retry-After ("please try again"), never a
500: its transaction was rolled back, so nothing half-done remains, and a vote either
committed whole or not at all. The pool lends out no connection the server has closed
(database.configure_postgresql), so the request after a database restart gets a fresh one.
"""

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .extensions import db, login

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2

# PostgreSQL: lock_not_available (lock_timeout), query_canceled (statement_timeout),
# admin_shutdown / crash_shutdown / cannot_connect_now (restart, failover),
# too_many_connections, serialization_failure, deadlock_detected; class 08 is "connection".
_PASSING_SQLSTATES = {"55P03", "57014", "57P01", "57P02", "57P03", "53300", "40001", "40P01"}
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def is_transient(error: BaseException) -> bool:
    """Whether a database error is a passing fault that the same request, sent again, may pass."""
    if isinstance(error, PoolTimeout):  # every connection of the pool stayed busy
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if hasattr(original, "sqlite_errorcode"):  # "database is locked" after the busy timeout
        return original.sqlite_errorcode & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    sqlstate = getattr(original, "sqlstate", "")
    if sqlstate is None:  # psycopg: no answer from a server at all (refused, reset, closed)
        return isinstance(error, OperationalError)
    return sqlstate in _PASSING_SQLSTATES or sqlstate.startswith("08")


def limit_waiting(lock_timeout_ms: int, statement_timeout_ms: int) -> None:
    """Let the current transaction wait at most this long for a lock and for any statement
    (PostgreSQL; 0 waits for ever), so that a held row cannot hold every worker with it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite's writers wait SQLITE_BUSY_TIMEOUT_MS, set per connection
    db.session.execute(
        text("SELECT set_config('lock_timeout', :lock, true), "
             "set_config('statement_timeout', :statement, true)"),
        {"lock": str(int(lock_timeout_ms)), "statement": str(int(statement_timeout_ms))})


def register_fault_handlers(app: Flask) -> None:
    """Answer passing database faults with 503; every other database error stays a 500."""
    app.register_error_handler(DBAPIError, _unavailable)
    app.register_error_handler(PoolTimeout, _unavailable)


def _unavailable(error: SQLAlchemyError):
    if not is_transient(error):
        raise error
    log.warning("database fault on %s %s: %s", request.method, request.path,
                str(error).splitlines()[0])
    db.session.rollback()
    try:
        return _unavailable_answer()
    except SQLAlchemyError as again:
        if not is_transient(again):
            raise
        # The database is still away and the page needed it for the signed-in user (and
        # their language): answer as to a visitor rather than not at all.
        db.session.rollback()
        g._login_user = login.anonymous_user()
        return _unavailable_answer()


def _unavailable_answer():
    message = gettext("The service is briefly unavailable. Please try again in a few seconds.")
    wants_json = request.accept_mimetypes.best_match(
        ["text/html", "application/json"]) == "application/json"
    body = (jsonify(error="unavailable", message=message) if wants_json
            else render_template("errors/unavailable.html", message=message))
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
