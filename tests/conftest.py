"""Fixtures in the shape of Flask's tutorial (app, client, runner, auth) plus factories.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set.
The schema is built once per run by the real migrations (dropping whatever an earlier run
left) and every table is emptied after each test.
"""

import asyncio
import os
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from eventapp import create_app
from eventapp.auth.models import User
from eventapp.auth.services import create_organiser
from eventapp.awards import finalists as awards
from eventapp.breakouts import services as breakouts
from eventapp.events import services as events
from eventapp.events.models import EventStatus
from eventapp.extensions import db
from eventapp.networks import roles
from eventapp.networks import services as networks
from eventapp.registration import services as registration

from .helpers import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    STAFF_PASSWORD,
    free_port,
    sign_in,
    soon,
)

# Every page carries the token in the language switch of the header.
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- database ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in a temporary folder, or a fresh schema of this run's own in PostgreSQL.

    The schema is dropped and created at the start (whatever an earlier run left) and
    dropped at the end; its own name lets two runs share the server without a clash.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    schema = f"eventapp_test_{os.getpid()}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


class Inbox:
    """What an SMTP server received; `delay` seconds before it answers each mail."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd API)
        await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _run_smtp_server(**smtp_options):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    yield controller.hostname, controller.port, inbox
    controller.stop()


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1 that keeps every message it receives (with SMTPUTF8)."""
    yield from _run_smtp_server()


@pytest.fixture(scope="session")
def smtp_server_without_smtputf8():
    """A second one that does not offer SMTPUTF8, so takes no address such as müller@…."""
    yield from _run_smtp_server(enable_SMTPUTF8=False)


class TestClient(FlaskClient):
    """A test client that puts a valid CSRF token into form posts, like a browser would."""

    def open(self, *args, **kwargs):
        # The test holds an app context, which the requests share; start each request with
        # an empty `g` as a real one would (Flask-Login and Flask-WTF cache things there).
        if has_app_context():
            g.__dict__.clear()
        # Like a real server, close the response once it is sent: what the app does after
        # the response (delivering the mails a request queued) has happened when this returns.
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)

    _csrf = (None, None)  # (the session's raw token, the signed token a page showed for it)

    def csrf_token(self) -> str:
        """A valid token, read from a page once per session (signing in starts a new one)."""
        raw = self._session_csrf()
        if raw is None or raw != self._csrf[0]:
            page = self.get("/auth/sign-in").get_data(as_text=True)
            self._csrf = (self._session_csrf(), CSRF_PATTERN.search(page).group(1))
        return self._csrf[1]

    def _session_csrf(self) -> str | None:
        with self.session_transaction() as session:
            return session.get("csrf_token")

    def post(self, *args, **kwargs):
        data = kwargs.get("data")
        if isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(_schema, smtp_server, tmp_path):
    host, port, _inbox = smtp_server
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": _schema,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": host,
        "MAIL_PORT": port,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SERVER_NAME": "eventapp.test",
        "LIVE_STATE_CACHE_SECONDS": 0,
        "BALLOT_CACHE_SECONDS": 0,
        "EVENT_LANGUAGE_CACHE_SECONDS": 0,
    })
    app.test_client_class = TestClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app) -> TestClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def mailbox(smtp_server):
    """The messages the SMTP server received during this test."""
    inbox = smtp_server[2]
    inbox.messages.clear()
    return inbox.messages


# --- factories ----------------------------------------------------------------------------



@pytest.fixture
def organiser(app):
    return create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD, "Olga Orga")


@pytest.fixture
def create_event(organiser):
    """Build a published event with a breakout slot; keyword arguments override fields."""
    counter = iter(range(1, 1000))

    def factory(*, sessions=(("Weiterbildung", 10), ("Wertschöpfung", 10)), published=True,
                finalists=0, **overrides):
        number = next(counter)
        start = overrides.pop("starts_at", soon())
        values = dict(slug=f"treffen-{number}", title=f"Clustertreffen {number}", motto="",
                      description="", starts_at=start, ends_at=start + timedelta(hours=8),
                      format="online", venue="", online_link="https://meet.example.org/x",
                      registration_opens_at=None, registration_closes_at=None, capacity=None)
        values.update(overrides)
        event = events.create_event(organiser, **values)
        if sessions:
            slot = events.add_agenda_item(
                organiser, event, starts_at=start + timedelta(hours=1),
                ends_at=start + timedelta(hours=2), kind="breakouts", title="Breakouts",
                speaker="", affiliation="")
            for title, capacity in sessions:
                breakouts.add_session(organiser, slot, title=title, description="", host="",
                                      capacity=capacity)
        for order in range(1, finalists + 1):
            awards.add_finalist(organiser, event, organisation=f"Netzwerk {order}",
                                project_title=f"Projekt {order}", summary="", presenter="",
                                pitch_order=order, pitch_seconds=180)
        if published:
            events.set_event_status(organiser, event, EventStatus.PUBLISHED)
        return event

    return factory


@pytest.fixture
def register(app):
    """Someone registered and confirmed, as if they had opened the mailed link: confirmed, or
    waitlisted when the event is full (outside a request the mail stays queued). Tests of the
    double opt-in itself post the form and follow the link from the mail instead."""
    counter = iter(range(1, 100_000))

    def factory(event, email=None, **overrides):
        values = dict(name="Pat Participant", organisation="Netzwerk Nord", consent=True,
                      public_listing=False, session_ids=[])
        values.update(overrides)
        email = email or f"person{next(counter)}@example.org"
        return registration.register_directly(event, email=email, **values).registration

    return factory



def _staff(email: str, name: str) -> User:
    """A password account without any role yet (as after accepting an invitation)."""
    return create_organiser(email, STAFF_PASSWORD, name, platform_admin=False)


@pytest.fixture
def two_networks(organiser, create_event):
    """Our network with an event, a foreign network with an event, and people in each role."""
    ours = networks.default_network()
    foreign = networks.create_network(organiser, slug="fremd", name="Fremdes Netzwerk",
                                      short_name="", colour="#5a2d82")
    event = create_event(finalists=2)
    foreign_event = events.create_event(organiser, foreign, **{
        name: getattr(event, name) for name in events.EVENT_FIELDS} | {"slug": "fremd-1"})
    people = {}
    for role, network in (("manager", ours), ("organiser", ours), ("manager", foreign)):
        key = ("foreign_" if network is foreign else "") + role
        people[key] = _staff(f"{key}@example.org", key)
        roles.give_network_role(None, network, people[key], role)
    for role in ("co_organiser", "checkin", "presenter", "jury"):
        people[role] = _staff(f"{role}@example.org", role)
        roles.give_event_role(None, event, people[role], role)
    people["foreign_co_organiser"] = _staff("foreign_co@example.org", "foreign co")
    roles.give_event_role(None, foreign_event, people["foreign_co_organiser"], "co_organiser")
    return {"ours": ours, "foreign": foreign, "event": event, "foreign_event": foreign_event,
            "people": people}


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login_organiser(self, email=ORGANISER_EMAIL, password=ORGANISER_PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def login_participant(self, user):
        """Sign in with a fresh personal link, as from the confirmation mail."""
        return sign_in(self._client, user)

    def logout(self):
        return self._client.post("/auth/logout", data={})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def orga(client, auth, organiser):
    """The test client, signed in as the organiser."""
    auth.login_organiser()
    return client
