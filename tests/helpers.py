"""Helpers shared by the test modules (fixtures live in conftest.py)."""

import io
import os
import re
import socket
import threading
from datetime import UTC, datetime, timedelta

import html5lib
import pytest
from html5lib.html5parser import ParseError
from PIL import Image
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.auth.services import issue_sign_in_token
from eventapp.breakouts import services as breakouts
from eventapp.database import write_transaction
from eventapp.extensions import db

ORGANISER_EMAIL = "orga@example.org"
ORGANISER_PASSWORD = "a-long-organiser-password"
STAFF_PASSWORD = "ein-langes-passwort"  # of the accounts that hold a role (two_networks)
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/register/confirm/[\w-]+)")


def soon(days: int = 30, hour: int = 9) -> datetime:
    """A full hour `days` from now, in UTC."""
    day = datetime.now(UTC) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for servers that cannot take 0);
    from the range TEST_PORTS ("8450-8499") when set, where several people share a machine."""
    first, _, last = os.environ.get("TEST_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        if port in _HANDED_OUT:  # not listening yet, maybe, but promised
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            if port:
                _HANDED_OUT.add(port)
                if len(_HANDED_OUT) > int(last) - int(first):  # all handed out once: again
                    _HANDED_OUT.clear()
                return port
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in TEST_PORTS={os.environ['TEST_PORTS']}")


def confirm_link(message) -> str:
    """The path of the link that confirms a registration form, from the mail that asks for it."""
    return CONFIRM_LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)


def count_rows(model) -> int:
    """How many rows the model's table holds, as committed by any connection."""
    db.session.rollback()  # end the test's own read transaction to see the others' commits
    return db.session.scalar(select(func.count()).select_from(model))


def app_on(app, database_url: str, **config):
    """A second app with the test app's settings on another database URL: its own engine and
    pool, e.g. with an application_name that lets a test drop exactly its connections."""
    twin = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": database_url, **config})
    twin.test_client_class = app.test_client_class
    return twin


def sign_in(client, user):
    """Sign in with a fresh personal link, as from the confirmation mail."""
    with write_transaction():  # committed: the client may be another app's, with its own session
        token = issue_sign_in_token(user, expires_at=soon(days=60), single_use=False)
    return client.get(f"/auth/link/{token}")


def sessions_of(event):
    """The event's breakout sessions, slot by slot."""
    return [session for _slot, sessions in breakouts.sessions_by_slot(event)
            for session in sessions]


def image_bytes(fmt="PNG", size=(300, 200), colour="#0b5d7a") -> bytes:
    """A plain image file, as a logo upload."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def assert_valid_html(html: str, url: str) -> None:
    """Fail with the offending line unless the page parses as strict HTML5."""
    parser = html5lib.HTMLParser(strict=True)
    try:
        # The screen's stage is a fragment that the screen swaps in.
        parser.parseFragment(html) if url.endswith("/stage") else parser.parse(html)
    except ParseError as error:
        line = html.splitlines()[max(0, parser.errors[-1][0][0] - 1)] if parser.errors else ""
        pytest.fail(f"{url}: {error} near: {line.strip()[:200]}")


def run_in_threads(count: int, target) -> list:
    """Start `count` threads at once (a barrier), each calling target(index); return results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index):
        barrier.wait()
        try:
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 (the test inspects what went wrong)
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- the organiser's forms and what they leave behind --------------------------------------

BERLIN_SUMMER = "2027-10-20T09:00"  # CEST, UTC+2
EVENT_FORM = {"title": "Clustertreffen 2027", "slug": "clustertreffen-2027",
              "motto": "Transformation", "description": "Das Jahrestreffen.",
              "starts_at": BERLIN_SUMMER, "ends_at": "2027-10-20T17:00", "format": "hybrid",
              "venue": "Berlin", "online_link": "https://meet.example.org/x",
              "registration_opens_at": "2027-06-01T00:00",
              "registration_closes_at": "2027-10-19T12:00", "capacity": "200"}
AGENDA_FORM = {"title": "Eröffnung", "kind": "opening", "starts_at": BERLIN_SUMMER,
               "ends_at": "2027-10-20T09:15", "speaker": "Dr. Ole Janssen", "affiliation": "BMWK"}
FINALIST_FORM = {"organisation": "Netzwerk Industrie RuhrOst e. V. (NIRO)",
                 "project_title": "Nachhaltigkeit ins Netzwerk bringen",
                 "summary": "Projekt NaLiMa", "presenter": "Ingrid Lange", "pitch_order": "1",
                 "pitch_seconds": "180"}


def audit_rows(action: str | None = None) -> list:
    """The audit log, oldest first; only rows of `action` if given."""
    from eventapp.audit.models import AuditLog

    query = select(AuditLog).order_by(AuditLog.id)
    if action:
        query = query.where(AuditLog.action == action)
    return list(db.session.scalars(query))


def assert_audited(action: str, organiser, event_id, **details):
    """Exactly one audit row of this action, by the organiser, about the event, just now."""
    rows = audit_rows(action)
    assert len(rows) == 1, [r.action for r in audit_rows()]
    row = rows[0]
    assert row.actor_id == organiser.id
    assert row.event_id == event_id
    assert datetime.now(UTC) - row.created_at < timedelta(minutes=1)
    for key, value in details.items():
        assert row.details[key] == value, (key, row.details)
    return row


def every_row(but_audited: str = "") -> dict:
    """Every row of every table as committed now, sorted; without the audit entries whose
    action starts with `but_audited`, if given."""
    from eventapp.audit.models import AuditLog

    db.session.rollback()  # see the others' commits
    tables = {}
    for table in db.metadata.sorted_tables:
        query = select(table)
        if but_audited and table.name == AuditLog.__tablename__:
            query = query.where(~table.c.action.startswith(but_audited))
        tables[table.name] = sorted((tuple(row) for row in db.session.execute(query)), key=repr)
    return tables


def field_error(page: str, field: str) -> str:
    """The error text shown next to a form field (its id is `<field>-error`)."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def reloaded(instance):
    """The row as the database holds it now."""
    return row(type(instance), instance.id)


def row(model, id_):
    """The row with this id as the database holds it now, as committed by any connection."""
    db.session.rollback()  # end the test's own read transaction to see the others' commits
    return db.session.get(model, id_)


def stored_utc(table: str, column: str, row_id: int) -> datetime:
    """The naive UTC value as it sits in the database, read without the model's type."""
    from sqlalchemy import DateTime, text

    query = text(f"SELECT {column} FROM {table} WHERE id = :id").columns(**{column: DateTime()})
    return db.session.execute(query, {"id": row_id}).scalar_one()


def statements_during(flask_app, request) -> tuple[list[str], object]:
    """The statements the app sends to its database while answering `request()`."""
    with flask_app.app_context():
        engine = db.engine
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        sent.append(statement)

    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        response = request()
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)
    return sent, response


def copy_of_the_session(app, client):
    """Another browser holding a copy of the client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session", domain="eventapp.test").value,
                     domain="eventapp.test")
    return thief
