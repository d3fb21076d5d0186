"""Every API route × every kind of token: none, a wrong one, each scope alone, all scopes, and
a foreign network's token with all scopes (as tests/app/test_authorization.py does for the
pages)."""

import pytest

from eventapp.api import feeds
from eventapp.api.models import TokenScope

from .conftest import ALL_SCOPES, bearer

# The scope each token route needs; every other /api/v1 route is public.
NEEDS = {
    ("api.registrations", "GET"): TokenScope.READ_REGISTRATIONS,
    ("api.applications", "GET"): TokenScope.READ_REGISTRATIONS,
    ("api.results", "GET"): TokenScope.READ_PUBLIC,
    ("api.register_someone", "POST"): TokenScope.WRITE_REGISTRATIONS,
    ("api.cancel_registration", "DELETE"): TokenScope.WRITE_REGISTRATIONS,
}
# What a token that may gets: an empty body is no registration; the registration does not exist.
ALLOWED = {("api.register_someone", "POST"): 422, ("api.cancel_registration", "DELETE"): 404}
MISSING = 999_999
PUBLIC = {("api.networks", "GET"), ("api.network", "GET"), ("api.network_events", "GET"),
          ("api.event", "GET"), ("api.agenda", "GET"), ("api.breakouts", "GET"),
          ("api.finalists", "GET"), ("api-docs.openapi_json", "GET"),
          ("api.network_calendar", "GET"), ("api.personal_calendar", "GET")}
HOLDERS = ("none", "wrong", *[str(scope) for scope in TokenScope], "all", "foreign")
BAD_REQUEST, UNAUTHORISED, FORBIDDEN = 400, 401, 403


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api_pages.docs":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def expected(route, holder) -> int:
    if route in PUBLIC:
        return 200
    if holder == "none" and route[1] != "GET":
        return BAD_REQUEST  # without a token a write is a cookie's: the CSRF check refuses it
    if holder in ("none", "wrong"):
        return UNAUTHORISED
    if holder == "foreign":
        return FORBIDDEN
    return ALLOWED.get(route, 200) if holder in ("all", NEEDS[route]) else FORBIDDEN


@pytest.fixture
def holders(two_networks, make_token):
    ours, foreign = two_networks["ours"], two_networks["foreign"]
    tokens = {str(scope): make_token(ours, [scope]) for scope in TokenScope}
    return {"none": None, "wrong": "eat_not-a-token", **tokens, "all": make_token(ours),
            "foreign": make_token(foreign, ALL_SCOPES)}


def test_every_api_route_is_in_the_matrix(app):
    routes = {(rule.endpoint, method) for rule, method in _api_routes(app)}
    assert routes - PUBLIC - NEEDS.keys() == set()
    for (endpoint, _method), scope in NEEDS.items():
        assert app.view_functions[endpoint].api_scope == scope  # declared where it is routed


@pytest.mark.parametrize("holder", HOLDERS)
def test_every_route_answers_each_token_as_expected(app, client, two_networks, holders, holder,
                                                   register):
    secret = feeds.renew_feed(register(two_networks["event"]))
    values = {"event": two_networks["event"].slug, "network": two_networks["ours"].slug,
              "secret": secret, "registration_id": MISSING}
    token = holders[holder]
    headers = bearer(token) if token else {}
    wrong = []
    for rule, method in _api_routes(app):
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        answer = client.open(url, method=method, headers=headers)
        want = expected((rule.endpoint, method), holder)
        if answer.status_code != want:
            wrong.append(f"{holder} {method} {url}: {answer.status_code}, not {want}")
        elif want >= 400:
            assert answer.is_json and answer.get_json()["code"] == want
    assert wrong == [], "\n".join(wrong)


def test_a_foreign_token_does_not_learn_of_a_draft(client, create_event, two_networks,
                                                  make_token):
    draft = create_event(published=False)
    foreign = make_token(two_networks["foreign"])
    ours = make_token(two_networks["ours"])
    url = f"/api/v1/events/{draft.slug}/registrations"
    assert client.get(url, headers=bearer(foreign)).status_code == 404
    assert client.get(url, headers=bearer(ours)).status_code == 200


@pytest.mark.parametrize(("language", "message"), [
    ("de", "Ihr Token erlaubt das nicht."), ("en", "Your token does not allow this.")])
def test_refusals_speak_german_and_english(client, two_networks, holders, language, message):
    url = f"/api/v1/events/{two_networks['event'].slug}/registrations"
    answer = client.get(url, headers=bearer(holders["foreign"], language))
    assert answer.get_json()["message"] == message
    missing = client.get(url, headers={"Accept-Language": language}).get_json()["message"]
    assert "Authorization: Bearer" in missing
    assert ("Dafür" in missing) == (language == "de")
