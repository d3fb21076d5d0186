"""Mixing: moving ballots out of the inbox in shuffled batches, so that no reader of the
database can pair a ballot with the participation written beside it.

A vote writes its Participation (who voted) and an InboxBallot (what was voted, with the
receipt) in one transaction (voting.py), so a receipt shown is a vote counted, even if the
server dies right after. Rows written together share PostgreSQL's xmin and sit side by side
(ctid, SQLite's rowid), so the ballot must not stay there: every BALLOT_MIX_BATCH-th vote
starts a mixer that moves the waiting ballots (at least a batch), after the vote's commit, in
a transaction of its own, in a random order and under new random ids into `ballots` and
deletes them from the inbox. Closing the poll takes in the last ones and rewrites all of the
poll's ballots in one random order, then vacuums the tables, so that after the close nothing
tells the batches apart; only then is anything counted (tally.py). What remains readable
during the vote is in docs/security.md.
"""

import logging
import random
import secrets
from functools import partial

from flask import current_app
from sqlalchemy import Integer, String, bindparam, delete, func, insert, select

from ..database import after_commit, write_transaction
from ..extensions import db
from .models import Ballot, InboxBallot

log = logging.getLogger(__name__)

# With the poll's id, the key of the PostgreSQL advisory lock that lets one mixer at a time
# move the ballots of a poll (any number that no other advisory lock of the app uses).
MIXING_LOCK = 15
# How long erasing the traces at the close may wait for others (and hold them up).
ERASING_WAIT_MS = 500

_INBOX = InboxBallot.__table__
# The mixer's statements: the inbox gives up its ballots only if enough of them wait.
_TAKE_FROM_INBOX = (
    delete(_INBOX)
    .where(_INBOX.c.poll_id == bindparam("poll_id"),
           select(func.count()).select_from(_INBOX)
           .where(_INBOX.c.poll_id == bindparam("poll_id")).scalar_subquery()
           >= bindparam("minimum"))
    .returning(_INBOX.c.option_id, _INBOX.c.receipt))
_BALLOTS = Ballot.__table__
_TAKE_BALLOTS = (delete(_BALLOTS).where(_BALLOTS.c.poll_id == bindparam("poll_id"))
                 .returning(_BALLOTS.c.option_id, _BALLOTS.c.receipt))
_INSERT_BALLOT = insert(_BALLOTS)
# On PostgreSQL a vote's mixer is one statement in autocommit: the try-lock (held until the
# statement ends), the take above, and writing the batch under new random ids in a random
# order, both drawn from the server's strong random source (gen_random_uuid, PostgreSQL 13
# and later), as `secrets` draws them on SQLite. One round trip instead of five, and a
# sixteenth of a vote's CPU less (bench/README.md).
_TAKEN_IF_FREE = _TAKE_FROM_INBOX.where(
    select(func.pg_try_advisory_xact_lock(MIXING_LOCK, bindparam("poll_id"))).scalar_subquery()
).cte("taken")
_MIX_FULL_BATCH = insert(_BALLOTS).from_select(
    ["id", "poll_id", "option_id", "receipt"],
    select(func.replace(func.gen_random_uuid().cast(String), "-", ""),
           bindparam("poll_id", type_=Integer), _TAKEN_IF_FREE.c.option_id,
           _TAKEN_IF_FREE.c.receipt)
    .order_by(func.gen_random_uuid()))


def mix_after_vote(poll_id: int) -> None:
    """Move a full batch out of the inbox, unless another mixer is at it.

    Runs after a vote's commit; a failure costs that vote nothing (its ballot waits in the
    inbox for the next batch or the close), so it is logged, not raised.
    """
    try:
        _mix_full_batch(poll_id)
    except Exception:
        log.exception("Mixing the ballots of poll %s failed; they wait in the inbox", poll_id)


def _mix_full_batch(poll_id: int) -> None:
    """Move the waiting ballots if a full batch waits and no other mixer is at it."""
    minimum = current_app.config["BALLOT_MIX_BATCH"]
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as sql:
            sql.execute(_MIX_FULL_BATCH, {"poll_id": poll_id, "minimum": minimum})
    else:
        with write_transaction(expire_on_commit=False):  # SQLite's one writer: the lock
            _move_batch(poll_id, at_close=False)


def mix_at_close(poll_id: int) -> None:
    """Mix every ballot of the poll into one random order, inside the closing transaction.

    The poll is closed already in this transaction, so no vote can add to the inbox.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Waits for a vote's mixer at work (on SQLite the write transaction is the lock).
        db.session.execute(select(func.pg_advisory_xact_lock(MIXING_LOCK, poll_id)))
    _move_batch(poll_id, at_close=True)
    after_commit(partial(erase_traces, "ballot_inbox, ballots"))


def _move_batch(poll_id: int, at_close: bool) -> None:
    """Move the poll's waiting ballots into `ballots`, shuffled, under new random ids.

    During the vote only a full batch moves; ballots whose votes commit meanwhile wait for
    the next one. At the close the poll's earlier batches are taken in as well: deleted and
    written again with the rest in one random order.
    """
    minimum = 0 if at_close else current_app.config["BALLOT_MIX_BATCH"]
    moving = db.session.execute(_TAKE_FROM_INBOX, {"poll_id": poll_id, "minimum": minimum}).all()
    if at_close:
        moving += db.session.execute(_TAKE_BALLOTS, {"poll_id": poll_id}).all()
    random.SystemRandom().shuffle(moving)
    if moving:
        db.session.execute(_INSERT_BALLOT, [
            {"id": secrets.token_hex(16), "poll_id": poll_id, "option_id": option_id,
             "receipt": receipt} for option_id, receipt in moving])


def erase_traces(tables: str) -> None:
    """Remove what the deleted rows of these tables left behind after a close: the ballots
    of a poll, the answers of a word cloud (wordcloud/services.py).

    PostgreSQL keeps deleted rows (with their xmin) until VACUUM, and old bytes in a page's
    free space after it: VACUUM FULL writes both tables anew. SQLite overwrites deleted
    rows itself (secure_delete), but its WAL holds earlier copies of the pages: it is
    checkpointed and truncated. During the vote neither is worth its cost: whoever can read
    dead rows (the data files) can read PostgreSQL's WAL too, which holds every vote whole.
    """
    try:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as sql:
                # It waits for the tables' readers and everybody waits for it: not for long.
                sql.exec_driver_sql(f"SET lock_timeout = {ERASING_WAIT_MS}")
                try:
                    sql.exec_driver_sql(f"VACUUM FULL {tables}")
                finally:
                    sql.exec_driver_sql("RESET lock_timeout")
        else:
            _truncate_sqlite_wal()
    except Exception:
        log.exception("Erasing the traces of mixed rows in %s failed", tables)


def _truncate_sqlite_wal() -> None:
    # The checkpoint waits for readers of older snapshots and holds back every writer
    # meanwhile: it gives up soon rather than let votes in other polls wait.
    connection = db.engine.raw_connection()
    sqlite = connection.driver_connection
    try:
        sqlite.execute(f"PRAGMA busy_timeout = {ERASING_WAIT_MS}")
        busy, _frames, _done = sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        sqlite.execute(f"PRAGMA busy_timeout = {current_app.config['SQLITE_BUSY_TIMEOUT_MS']}")
        connection.close()
    if busy:
        log.warning("SQLite's WAL still holds earlier pages of mixed rows: a reader was busy")
