"""A database that is away or busy is a short outage: 503 with Retry-After in the reader's
language (JSON for the live state), never a 500.

Here the database is a server where none listens, and on SQLite a writer that holds the
lock longer than the busy timeout. `tests/concurrency/test_database_faults.py` drops real
connections and holds real locks on PostgreSQL.
"""

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from eventapp.awards import polls
from eventapp.extensions import db

from ..helpers import app_on, assert_valid_html, sign_in

# Nothing listens on port 1: every connection attempt is refused at once.
AWAY = "postgresql+psycopg://postgres@127.0.0.1:1/eventapp"
GERMAN = "Bitte versuchen Sie es in ein paar Sekunden erneut."
ENGLISH = "Please try again in a few seconds."


@pytest.fixture
def away(app):
    """The app with its database gone (a restart, a failover)."""
    away = app_on(app, AWAY)
    yield away.test_client()
    with away.app_context():
        db.engine.dispose()


def _assert_unavailable(response, text):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert text in response.get_data(as_text=True)


def test_pages_answer_503_in_german_while_the_database_is_away(away):
    page = away.get("/")
    _assert_unavailable(page, GERMAN)
    assert_valid_html(page.get_data(as_text=True), "/")
    _assert_unavailable(away.get("/events/treffen-1/results"), GERMAN)


def test_signed_in_people_get_the_503_page_in_their_language(away):
    with away.session_transaction() as session:
        session["_user_id"] = "1"  # loading this user needs the database that is away
        session["lang"] = "en"
    page = away.get("/events/treffen-1/vote")
    _assert_unavailable(page, ENGLISH)
    assert 'href="/events/treffen-1/vote"' in page.get_data(as_text=True)  # try again

    with away.session_transaction() as session:
        session.pop("lang")
    vote = away.post("/events/treffen-1/vote", data={"finalist": "1", "confirmed": "1"})
    _assert_unavailable(vote, GERMAN)
    assert "senden Sie das Formular erneut" in vote.get_data(as_text=True)


def test_live_state_answers_503_json_while_the_database_is_away(away):
    for headers in ({"Accept": "application/json"},
                    {"Accept": "application/json", "If-None-Match": '"1-2-3"'}):
        response = away.get("/live/treffen-1/state", headers=headers)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert response.get_json()["error"] == "unavailable"


def test_a_vote_behind_a_long_sqlite_writer_is_a_503_and_counts_when_sent_again(
        app, create_event, register, organiser):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout; PostgreSQL's lock timeout is tested in "
                    "tests/concurrency/test_database_faults.py")
    event = create_event(finalists=2, sessions=())
    user = register(event, email="geduld@example.org").user
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    impatient = app_on(app, url, SQLITE_BUSY_TIMEOUT_MS=200)
    client = impatient.test_client()
    sign_in(client, user)
    ballot = {"finalist": poll.candidates[0].id, "confirmed": "1",
              "csrf_token": client.csrf_token()}

    writer = sqlite3.connect(make_url(url).database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. an organiser's long import
    try:
        _assert_unavailable(client.post(f"/events/{event.slug}/vote", data=ballot), GERMAN)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    again = client.post(f"/events/{event.slug}/vote", data=ballot)

    assert again.status_code == 200 and 'id="receipt"' in again.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(poll), poll.id).votes_cast == 1
    with impatient.app_context():
        db.engine.dispose()
