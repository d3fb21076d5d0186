"""Calendar feeds: a network's public meetings; a participant's own day behind a secret
address that they can renew."""

import re

from eventapp.api.models import CalendarFeed
from eventapp.auth.services import hash_token
from eventapp.extensions import db
from eventapp.registration.services import cancel

from ..helpers import assert_valid_html, sessions_of

ADDRESS = re.compile(r"<code[^>]*>https?://[^/]+(/api/v1/feeds/[\w-]+\.ics)</code>")


def test_a_networks_feed_has_its_public_meetings(client, create_event):
    shown = create_event(title="Frühjahrstreffen")
    create_event(title="Entwurf", published=False)
    answer = client.get(f"/api/v1/networks/{shown.network.slug}/meetings.ics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    body = answer.get_data(as_text=True)
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Frühjahrstreffen" in body
    assert "Entwurf" not in body
    assert client.get("/api/v1/networks/gibt-es-nicht/meetings.ics").status_code == 404


def test_a_participant_subscribes_to_their_day_and_renews_the_address(
        client, auth, create_event, register):
    event = create_event()
    session = sessions_of(event)[0]
    registration = register(event, session_ids=[session.id])
    auth.login_participant(registration.user)
    page = f"/events/{event.slug}/me/calendar-feed"
    assert client.get(page).status_code == 200
    made = client.post(page, data={"renew": "1"})
    assert made.status_code == 200
    assert_valid_html(made.get_data(as_text=True), page)
    first = ADDRESS.search(made.get_data(as_text=True)).group(1)
    assert first not in client.get(page).get_data(as_text=True)  # shown once
    stored = db.session.get(CalendarFeed, registration.id)
    assert stored.secret_hash == hash_token(first.rsplit("/", 1)[1].removesuffix(".ics"))
    client.post("/auth/logout", data={})
    feed = client.get(first)  # a calendar app has no session
    assert feed.status_code == 200
    assert f"SUMMARY:Breakouts: {session.title}" in feed.get_data(as_text=True)
    auth.login_participant(registration.user)
    second = ADDRESS.search(client.post(page, data={"renew": "1"}).get_data(
        as_text=True)).group(1)
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    cancel(registration)
    assert client.get(second).status_code == 404


def test_someone_not_registered_has_no_feed_page(client, auth, create_event, register):
    event = create_event()
    other = register(create_event(), email="anders@example.org")
    auth.login_participant(other.user)
    assert client.get(f"/events/{event.slug}/me/calendar-feed").status_code == 404
