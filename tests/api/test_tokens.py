"""Tokens: made and revoked by network managers in the web UI, shown once, stored as a hash,
each use in the audit log, rate-limited per token; what a token reads."""

import re

from sqlalchemy import select

from eventapp import create_app
from eventapp.api.models import ApiToken, TokenScope
from eventapp.auth.services import hash_token
from eventapp.awards import voting
from eventapp.calls import services as calls
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.services import cancel

from ..helpers import (
    STAFF_PASSWORD,
    assert_valid_html,
    audit_rows,
    image_bytes,
    sessions_of,
    soon,
)
from .conftest import bearer

TOKEN_ON_PAGE = re.compile(r"<code[^>]*>(eat_[\w-]+)</code>")


def test_a_manager_makes_a_token_that_is_shown_once_and_stored_as_a_hash(
        client, auth, two_networks):
    auth.login_organiser(two_networks["people"]["manager"].email, STAFF_PASSWORD)
    url = f"/organiser/networks/{two_networks['ours'].slug}/api-tokens"
    assert client.get(url).status_code == 200
    made = client.post(url, data={"name": "CRM", "scopes": ["read_registrations"]})
    assert made.status_code == 200
    assert_valid_html(made.get_data(as_text=True), url)
    token = TOKEN_ON_PAGE.search(made.get_data(as_text=True)).group(1)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(token)
    assert token not in stored.token_hash and stored.scopes == "read_registrations"
    assert token not in client.get(url).get_data(as_text=True)  # shown only once
    assert [row.action for row in audit_rows()][-1] == "api.token_created"
    event = two_networks["event"]
    answer = client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(token))
    assert answer.status_code == 200


def test_a_token_without_a_permission_or_a_name_is_refused(client, auth, two_networks):
    auth.login_organiser(two_networks["people"]["manager"].email, STAFF_PASSWORD)
    url = f"/organiser/networks/{two_networks['ours'].slug}/api-tokens"
    assert client.post(url, data={"name": "CRM"}).status_code == 422
    assert client.post(url, data={"name": "", "scopes": ["read_public"]}).status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_opens_nothing(client, auth, two_networks, make_token):
    token = make_token(two_networks["ours"])
    event = two_networks["event"]
    url = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(url, headers=bearer(token)).status_code == 200
    auth.login_organiser(two_networks["people"]["manager"].email, STAFF_PASSWORD)
    stored = db.session.scalar(select(ApiToken))
    revoke = f"/organiser/networks/{two_networks['ours'].slug}/api-tokens/{stored.id}/revoke"
    assert client.post(revoke, data={}).status_code == 303
    assert client.get(url, headers=bearer(token)).status_code == 401
    assert client.post(revoke, data={}).status_code == 404  # revoked already


def test_an_organiser_of_the_network_may_not_manage_its_tokens(client, auth, two_networks):
    auth.login_organiser(two_networks["people"]["organiser"].email, STAFF_PASSWORD)
    url = f"/organiser/networks/{two_networks['ours'].slug}/api-tokens"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"name": "CRM", "scopes": ["read_public"]}).status_code == 403


def test_each_use_is_recorded_in_the_audit_log(client, two_networks, make_token, organiser):
    token = make_token(two_networks["ours"])
    event = two_networks["event"]
    client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(token))
    client.get(f"/api/v1/events/{event.slug}/applications", headers=bearer(token))
    used = audit_rows("api.used")
    assert [row.details["path"] for row in used] == [
        f"/api/v1/events/{event.slug}/registrations", f"/api/v1/events/{event.slug}/applications"]
    assert {row.event_id for row in used} == {event.id}
    assert {row.actor_id for row in used} == {organiser.id}  # who made the token
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_registrations_with_breakouts_check_in_and_category(client, create_event, register,
                                                           make_token):
    event = create_event()
    session = sessions_of(event)[0]
    kept = register(event, session_ids=[session.id])
    gone = register(event, email="weg@example.org")
    cancel(gone)
    token = make_token(event.network, [TokenScope.READ_REGISTRATIONS])
    url = f"/api/v1/events/{event.slug}/registrations"
    rows = client.get(url, headers=bearer(token)).get_json()
    assert [(r["email"], r["status"]) for r in rows] == [
        (kept.user.email, "confirmed"), ("weg@example.org", "cancelled")]
    assert rows[0]["breakouts"][0]["session_title"] == session.title
    assert rows[0]["checked_in_at"] is None and rows[0]["category"] is None
    confirmed = client.get(url + "?status=confirmed", headers=bearer(token)).get_json()
    assert [r["email"] for r in confirmed] == [kept.user.email]


def test_applications_of_the_call(client, create_event, organiser, make_token):
    event = create_event()
    calls.save_call(organiser, event, opens_at=utcnow(), deadline=soon(days=7), intro="",
                    questions="", criteria="Innovation")
    calls.apply(event, organisation="Netz", project_title="Projekt", summary="",
                contact_name="Ada", contact_email="ada@example.org", answers=[],
                consent=True, logo=image_bytes())
    token = make_token(event.network, [TokenScope.READ_REGISTRATIONS])
    rows = client.get(f"/api/v1/events/{event.slug}/applications",
                      headers=bearer(token)).get_json()
    assert [(r["organisation"], r["contact_email"]) for r in rows] == [
        ("Netz", "ada@example.org")]


def test_results_of_revealed_polls_only(app, client, create_event, register, organiser,
                                        make_token):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    token = make_token(event.network, [TokenScope.READ_PUBLIC])
    url = f"/api/v1/events/{event.slug}/results"
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    for number in range(2):
        voting.cast_vote(poll, register(event, email=f"v{number}@example.org").user,
                         poll.candidates[0].id)
    assert client.get(url, headers=bearer(token)).get_json() == []  # open
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    assert client.get(url, headers=bearer(token)).get_json() == []  # announced, not revealed
    for _ in range(2):
        live.reveal_next(organiser, event)
    [result] = client.get(url, headers=bearer(token)).get_json()
    assert result["title"] == "ClusterERFOLG" and result["votes_cast"] == 2
    assert [(e["rank"], e["organisation"], e["votes"]) for e in result["ranking"]] == [
        (1, "Netzwerk 1", 2), (2, "Netzwerk 2", 0)]


def test_the_limit_counts_per_token(organiser, app, two_networks, make_token):
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "API_RATE_LIMIT": "3 per minute"})
    first, second = make_token(two_networks["ours"]), make_token(two_networks["ours"])
    url = f"/api/v1/events/{two_networks['event'].slug}/registrations"
    try:
        with limited.test_client() as client:
            answers = [client.get(url, headers=bearer(first, "en")) for _ in range(4)]
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert answers[-1].get_json()["message"] == (
                "Too many requests. Please wait a moment and try again.")
            assert int(answers[-1].headers["Retry-After"]) > 0
            assert client.get(url, headers=bearer(second)).status_code == 200
    finally:
        with limited.app_context():
            db.engine.dispose()
