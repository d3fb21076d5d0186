"""eventapp/site/: the favicon, versioned static addresses, and the health checks for the
proxy and orchestration."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from eventapp import create_app
from eventapp.extensions import db

from ..helpers import free_port, statements_during


@pytest.mark.parametrize("url", ["/", "/auth/sign-in", "/nowhere"])
def test_every_page_names_its_icon_and_the_browsers_default_address_has_one(client, url):
    page = client.get(url).get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon is not None
    with client.get(icon.group(1)) as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    with client.get("/favicon.ico") as ico:
        assert ico.status_code == 200
        assert ico.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
        assert ico.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_static_addresses_change_with_the_files_content(client, app):
    """The proxy lets browsers keep /static/ for a year; a new release must change the address."""
    page = client.get("/").get_data(as_text=True)
    addresses = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"', page)
    assert {path for path, _version in addresses} >= {"/static/css/app.css",
                                                       "/static/favicon.svg"}
    for path, version in addresses:
        content = Path(app.static_folder, path.removeprefix("/static/")).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:12]
        with client.get(f"{path}?v={version}") as served:
            assert served.status_code == 200 and served.data == content


def test_a_static_files_hash_is_computed_once_per_process(client, monkeypatch):
    """Pages name several static files each; reading and hashing them on every url_for would
    cost every request a few file reads."""
    from eventapp.site import routes as site

    opened: list[str] = []

    def counting_open(path, *args, **kwargs):
        opened.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(site, "open", counting_open, raising=False)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert len(opened) == len(set(opened))  # each file at most once, whatever came before


def test_healthz_answers_without_the_database(app, client):
    sent, response = statements_during(app, lambda: client.get("/healthz"))
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert sent == [] and "Set-Cookie" not in response.headers


def test_readyz_asks_the_database(app, client):
    sent, response = statements_during(app, lambda: client.get("/readyz"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert len(sent) >= 1 and "Set-Cookie" not in response.headers


@pytest.fixture
def other_app(app):
    """Further apps on other settings; disposed of afterwards."""
    created = []

    def factory(**config):
        other = create_app({"TESTING": True, "SECRET_KEY": "test",
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            **config})
        created.append(other)
        return other

    yield factory
    for instance in created:
        with instance.app_context():
            db.engine.dispose()


def test_readyz_says_503_when_the_database_is_unreachable(other_app):
    broken = other_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:"
                                                f"{free_port()}/nothing?connect_timeout=2")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert broken.test_client().get("/healthz").status_code == 200


def test_readyz_reports_redis_and_stays_ready_without_it(other_app):
    with_redis = other_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    response = with_redis.test_client().get("/readyz")
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    gone = other_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    response = gone.test_client().get("/readyz")
    # The limits fall back to memory, so the app serves on: ready, and it says what is wrong.
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}


def test_health_checks_are_never_rate_limited(other_app):
    limited = other_app(RATELIMIT_STORAGE_URI="memory://").test_client()
    assert [limited.get("/healthz").status_code for _ in range(50)] == [200] * 50
    assert [limited.get("/readyz").status_code for _ in range(50)] == [200] * 50


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION",
                                     "RATELIMIT_META"])
def test_a_limit_on_every_request_is_refused_at_start(other_app, setting):
    # Only the views' own limits are counted (eventapp._init_limiter): a limit that only
    # Flask-Limiter's pass before every request would count must not pass for one.
    with pytest.raises(RuntimeError, match="limits on views"):
        other_app(**{setting: "2 per minute"})


def test_rate_limits_are_counted_by_their_views_not_before_every_request(other_app):
    # Each @limiter.limit counts when its view runs (app/test_security.py: sign-in, registration,
    # cards); the pass before every request, which would find nothing, is left out.
    limited = other_app(RATELIMIT_STORAGE_URI="memory://")
    assert not [hook for hook in limited.before_request_funcs[None] if "Limiter" in repr(hook)]


def test_flask_limiter_still_has_the_private_hook_that_create_app_takes_out():
    # eventapp._init_limiter removes Flask-Limiter's pass before every request by its private
    # name (setup.cfg pins the major version it is written for): should a release rename or
    # wrap it, this fails instead of the pass quietly coming back.
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    bare = Flask(__name__)
    limiter = Limiter(get_remote_address, app=bare, storage_uri="memory://")
    assert limiter._check_request_limit in bare.before_request_funcs[None]


def test_health_checks_answer_plain_http_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTAPP_ENV", "production")
    production = create_app({"SECRET_KEY": "a-real-secret",
                             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                             "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    client = production.test_client()
    assert client.get("/auth/sign-in").status_code == 302  # to https
    assert client.get("/healthz").status_code == 200
    body = client.get("/readyz").get_data(as_text=True)
    assert set(json.loads(body)) <= {"status", "database", "redis"}  # nothing personal


def test_a_refused_request_says_when_to_try_again_and_others_carry_no_limit_headers(other_app):
    # Counting a limit costs one round trip to Redis; reporting it on every answer two more.
    limited = other_app(RATELIMIT_STORAGE_URI="memory://", WTF_CSRF_ENABLED=False,
                        MAIL_SUPPRESS_SEND=True).test_client()
    statuses = []
    for _ in range(11):
        answer = limited.post("/auth/sign-in", data={"email": "a@example.org"})
        statuses.append(answer.status_code)
        assert "X-RateLimit-Remaining" not in answer.headers
    assert 429 not in statuses[:10] and statuses[10] == 429
    assert 0 < int(answer.headers["Retry-After"]) <= 60
