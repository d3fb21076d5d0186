"""Sessions, sign-in links, headers, rate limits, and bad input that must never give a 500."""

import string
import subprocess
import time
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.auth.models import User
from eventapp.auth.services import create_organiser, issue_sign_in_token
from eventapp.awards import cards, polls
from eventapp.awards.models import Participation
from eventapp.database import write_transaction
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.models import Registration
from eventapp.registration.services import registrations_for_event

from ..helpers import ORGANISER_EMAIL, copy_of_the_session, count_rows, free_port, soon

REDIS_LIMITS = "redis://127.0.0.1:6379/15"

# --- sessions and links -------------------------------------------------------------------


def test_session_cookie_is_httponly_lax_and_secure_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTAPP_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                      "SECRET_KEY": "a-real-secret", "RATELIMIT_STORAGE_URI": REDIS_LIMITS})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/auth/sign-in", base_url="https://eventapp.test")
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("EVENTAPP_ENV", "production")
    with pytest.raises(RuntimeError):
        create_app({"SECRET_KEY": "dev-only-not-secret", "RATELIMIT_STORAGE_URI": REDIS_LIMITS})


def test_production_refuses_to_start_with_rate_limits_per_worker(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTAPP_ENV", "production")
    config = {"SECRET_KEY": "a-real-secret",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
    assert create_app({**config, "RATELIMIT_STORAGE_URI": REDIS_LIMITS}).config["SECRET_KEY"]


def test_cookie_flags_in_development(client):
    client.get("/auth/sign-in")
    cookie = client.get_cookie("session", domain="eventapp.test")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_a_new_link_kills_the_old_one(client, create_event, register):
    user = register(create_event()).user
    with write_transaction():
        old = issue_sign_in_token(user, soon(), single_use=False)
        new = issue_sign_in_token(user, soon(), single_use=False)
    assert "nicht mehr gültig" in client.get(f"/auth/link/{old}",
                                             follow_redirects=True).get_data(as_text=True)
    assert client.get(f"/auth/link/{new}").headers["Location"].endswith("/me")
    stored = db.session.get(User, user.id).sign_in_token_hash
    assert new not in stored and len(stored) == 64  # only a hash is kept


def test_expired_link_is_refused(client, create_event, register):
    user = register(create_event()).user
    with write_transaction():
        token = issue_sign_in_token(user, soon(days=-1), single_use=False)
    assert client.get(f"/auth/link/{token}").headers["Location"].endswith("/auth/sign-in")


def test_session_is_renewed_on_sign_in(client, auth, organiser):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login_organiser()
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"] == str(organiser.id)


def test_a_copied_organiser_session_dies_with_the_logout(app, client, auth, organiser):
    auth.login_organiser()
    thief = copy_of_the_session(app, client)
    assert thief.get("/organiser/").status_code == 200
    auth.logout()
    assert thief.get("/organiser/").status_code == 302  # to the sign-in page
    auth.login_organiser()  # signing in again works, with a new session
    assert client.get("/organiser/").status_code == 200
    assert thief.get("/organiser/").status_code == 302


def test_a_copied_participant_session_dies_with_the_logout(app, client, auth, create_event,
                                                          register):
    user = register(create_event()).user
    auth.login_participant(user)
    thief = copy_of_the_session(app, client)
    assert thief.get("/me/privacy").status_code == 200
    auth.logout()
    assert thief.get("/me/privacy").status_code == 302


def test_a_new_password_ends_every_session_of_the_organiser(app, client, auth, organiser):
    auth.login_organiser()
    create_organiser(ORGANISER_EMAIL, "a-brand-new-password")
    assert client.get("/organiser/").status_code == 302
    assert auth.login_organiser(password="a-brand-new-password").status_code == 302
    assert client.get("/organiser/").status_code == 200


def test_passwords_are_hashed_with_a_modern_kdf(organiser):
    assert organiser.password_hash.startswith(("scrypt:", "pbkdf2:sha256:", "argon2"))


# --- headers ------------------------------------------------------------------------------


def test_content_security_policy_allows_no_inline_script(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert client.get("/").headers["X-Content-Type-Options"] == "nosniff"


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; script-src 'self'; "
                               "style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "browsing-topics=()",
}


@pytest.fixture
def production_client(monkeypatch, tmp_path):
    """A client of the app as configured for production (HTTPS only), behind `proxies`."""

    def factory(proxies: int = 0):
        monkeypatch.setenv("EVENTAPP_ENV", "production")
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                          "SECRET_KEY": "a-real-secret", "RATELIMIT_STORAGE_URI": REDIS_LIMITS,
                          "PROXY_COUNT": proxies})
        return app.test_client()

    return factory


@pytest.mark.parametrize("url", ["/", "/auth/sign-in", "/no-such-page", "/static/css/app.css",
                                 "/healthz"])
def test_every_response_carries_the_security_headers(production_client, url):
    headers = production_client().get(url, base_url="https://eventapp.test").headers
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert headers["Strict-Transport-Security"] == "max-age=31556926; includeSubDomains"


def test_production_sends_plain_http_to_https_but_answers_the_health_checks(production_client):
    client = production_client()
    response = client.get("/auth/sign-in?next=/x", base_url="http://eventapp.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://eventapp.test/auth/sign-in?next=/x"
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS
    for probe in ("/healthz", "/readyz"):  # from inside, over plain HTTP
        assert client.get(probe, base_url="http://eventapp.test").status_code == 200


@pytest.mark.parametrize(("proxies", "status"), [(1, 200), (0, 302)])
def test_only_a_trusted_proxy_can_say_a_request_came_over_https(production_client, proxies,
                                                                status):
    response = production_client(proxies).get(
        "/auth/sign-in", base_url="http://eventapp.test",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == status
    assert ("Strict-Transport-Security" in response.headers) == (status == 200)


def test_no_page_template_has_inline_script_or_style():
    pages = Path(__file__).resolve().parents[2] / "templates"
    for template in pages.rglob("*.html"):
        if template.parent.name == "mails":  # mail clients need inline styles; no CSP there
            continue
        source = template.read_text(encoding="utf-8")
        assert "<script>" not in source and " style=" not in source and "onclick" not in source, \
            template


# --- rate limits --------------------------------------------------------------------------


@pytest.fixture
def limited_client(app):
    """Clients of further app instances on the test database, with rate limits on."""
    created = []

    def factory(**config):
        limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                              "TESTING": True, "WTF_CSRF_ENABLED": False,
                              "MAIL_SUPPRESS_SEND": True, **config})
        created.append(limited)
        return limited.test_client()

    yield factory
    for instance in created:
        with instance.app_context():
            db.engine.dispose()


def _hammer(client, url, data, times):
    return [client.post(url, data=data).status_code for _ in range(times)]


@pytest.mark.parametrize(("url", "data", "allowed"), [
    ("/auth/login", {"email": ORGANISER_EMAIL, "password": "x"}, 10),
    ("/auth/sign-in", {"email": "a@example.org"}, 10),
])
def test_sign_in_is_rate_limited(limited_client, organiser, url, data, allowed):
    statuses = _hammer(limited_client(), url, data, allowed + 2)
    assert 429 not in statuses[:allowed] and statuses[-1] == 429


def test_registration_is_rate_limited(limited_client, create_event):
    event = create_event()
    statuses = _hammer(limited_client(), f"/events/{event.slug}/register",
                       {"name": "x", "email": "bad"}, 22)
    assert statuses[0] == 422 and statuses[-1] == 429


HALL = 40  # phones behind the venue's one public address, in the first minute of a vote


def test_a_hall_behind_one_address_opens_its_cards_and_links(limited_client, create_event,
                                                             register, organiser):
    # Cards and links carry 80+ random bits: guessing them is hopeless at any rate, so only
    # wrong ones count against the address, and a whole hall gets to its ballot at once.
    event = create_event(finalists=2, format="in_person", venue="Berlin")
    printed = cards.create_cards(organiser, event, HALL)
    people = [register(event).user for _ in range(HALL)]
    with write_transaction():
        tokens = [issue_sign_in_token(person, soon(), single_use=True) for person in people]
    app = limited_client().application
    scans = [app.test_client().get(f"/c/{cards.code_of(card)}").status_code for card in printed]
    typed = [app.test_client().post(f"/events/{event.slug}/vote/card",
                                    data={"code": cards.code_of(card)}).status_code
             for card in printed]
    links = [app.test_client().get(f"/auth/link/{token}").status_code for token in tokens]
    assert set(scans) == {302} and set(typed) == {303} and set(links) == {302}


def test_a_hall_behind_one_address_asks_for_its_links(limited_client):
    # One person asking again and again is limited (test_sign_in_is_rate_limited), a hall not.
    client = limited_client()
    statuses = [client.post("/auth/sign-in", data={"email": f"p{n}@example.org"}).status_code
                for n in range(HALL)]
    assert set(statuses) == {302}


@pytest.mark.parametrize("url", ["/c/{code}", "/auth/link/{code}"])
def test_wrong_codes_and_links_are_rate_limited_per_address(limited_client, url):
    client = limited_client()
    statuses = [client.get(url.format(code=f"WRONG{n:03d}")).status_code for n in range(22)]
    assert 429 not in statuses[:20] and statuses[-1] == 429


def test_wrong_typed_codes_are_rate_limited_per_address(limited_client, create_event):
    event = create_event(finalists=2)
    client = limited_client()
    statuses = [client.post(f"/events/{event.slug}/vote/card",
                            data={"code": f"AAAAAA-AAAAAA-AAA{n:03d}"}).status_code
                for n in range(22)]
    assert 429 not in statuses[:20] and statuses[-1] == 429


def test_rate_limits_are_shared_through_redis(organiser, limited_client):
    storage = REDIS_LIMITS
    redis.Redis.from_url(storage).flushdb()
    # Two app servers, one Redis: together they allow what one allows.
    first, second = (limited_client(RATELIMIT_STORAGE_URI=storage) for _ in range(2))
    login = {"email": ORGANISER_EMAIL, "password": "wrong"}
    statuses = [(first if i % 2 else second).post("/auth/login", data=login).status_code
                for i in range(12)]
    assert statuses.count(429) == 2
    assert redis.Redis.from_url(storage).keys("*")  # the counters live in Redis
    redis.Redis.from_url(storage).flushdb()


def test_a_voter_posting_again_and_again_is_refused_for_the_minute_but_not_the_hall(
        limited_client, create_event, register, organiser):
    event = create_event(finalists=2)
    hammering, neighbour = (register(event).user for _ in range(2))
    live.open_vote(organiser, event, "Preis")
    finalist = polls.current_poll(event).candidates[0].id
    redis.Redis.from_url(REDIS_LIMITS).flushdb()
    # Two app servers, one Redis: the vote's counter is shared like every other limit.
    servers = [limited_client(RATELIMIT_STORAGE_URI=REDIS_LIMITS).application for _ in range(2)]

    def phone(person, server):
        client = server.test_client()
        with write_transaction():
            token = issue_sign_in_token(person, soon(), single_use=False)
        assert client.get(f"/auth/link/{token}").status_code == 302
        return client

    phones = [phone(hammering, server) for server in servers]
    url, choice = f"/events/{event.slug}/vote", {"finalist": finalist}  # the confirm page
    statuses = [phones[n % 2].post(url, data=choice).status_code for n in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    refused = phones[0].post(url, data={**choice, "confirmed": "1"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Zu viele Anfragen" in refused.get_data(as_text=True)
    assert count_rows(Participation) == 0  # the refused vote counted nothing
    voted = phone(neighbour, servers[1]).post(url, data={**choice, "confirmed": "1"})
    assert voted.status_code == 200 and 'id="receipt"' in voted.get_data(as_text=True)
    assert any(b"vote" in key for key in redis.Redis.from_url(REDIS_LIMITS).keys("*"))
    redis.Redis.from_url(REDIS_LIMITS).flushdb()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own on a free port, to stop and start at will."""

    class Server:
        url = f"redis://127.0.0.1:{free_port()}/0"

        def start(self):
            port = self.url.rsplit(":", 1)[1].split("/")[0]
            self.process = subprocess.Popen(
                ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
            client = redis.Redis.from_url(self.url)
            for _attempt in range(100):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self):
            self.process.terminate()
            self.process.wait(timeout=10)

        def keys(self):
            return redis.Redis.from_url(self.url).keys("*")

    server = Server()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_a_redis_outage_costs_no_request_and_the_limits_return_to_redis(
        limited_client, private_redis, create_event, register, organiser, caplog, capsys):
    event = create_event(finalists=2)
    people = [register(event).user for _ in range(6)]
    live.open_vote(organiser, event, "Preis")
    finalist = polls.current_poll(event).candidates[0].id
    app = limited_client(RATELIMIT_STORAGE_URI=private_redis.url).application
    login = {"email": ORGANISER_EMAIL, "password": "wrong"}

    def vote(person) -> str:
        voter = app.test_client()
        with write_transaction():
            token = issue_sign_in_token(person, soon(), single_use=False)
        assert voter.get(f"/auth/link/{token}").status_code == 302
        response = voter.post(f"/events/{event.slug}/vote",
                              data={"finalist": finalist, "confirmed": "1"})
        assert response.status_code == 200
        return response.get_data(as_text=True).split('id="receipt">', 1)[1].split("<", 1)[0]

    receipts = [vote(person) for person in people[:2]]
    assert private_redis.keys()  # the counters live in Redis

    private_redis.stop()
    receipts += [vote(person) for person in people[2:4]]
    statuses = {app.test_client().post("/auth/login", data=login).status_code
                for _ in range(12)}
    assert statuses <= {401, 429}
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "fall" in r.message]
    # One warning per outage, not one per request: Flask-Limiter's and the vote's own limit's.
    assert sorted(r.name for r in warnings) == ["eventapp.awards.vote_limit", "flask-limiter"]
    assert "falling back to in-memory storage" in capsys.readouterr().err  # in the app's log

    private_redis.start()
    deadline = time.monotonic() + 60
    while not private_redis.keys():  # the limiter checks Redis again after a growing pause
        assert time.monotonic() < deadline, "the rate limits never went back to Redis"
        assert app.test_client().post("/auth/login", data=login).status_code in (401, 429)
        time.sleep(0.2)
    receipts += [vote(person) for person in people[4:]]
    assert len(set(receipts)) == 6
    assert count_rows(Participation) == 6


# --- bad input ----------------------------------------------------------------------------

NASTY = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.text(alphabet=string.printable, min_size=300, max_size=6000),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "null",
                     "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\u0000", "ä" * 500,
                     "2027-02-30T25:61", "x@y", "a" * 300 + "@example.org"]),
)
FIELDS = ["name", "email", "organisation", "consent", "public_listing", "attendance_mode",
          "title", "slug", "starts_at", "ends_at", "capacity", "format", "kind", "session_id",
          "slot_id", "finalist", "confirmed", "password", "lang", "next", "pitch_seconds"]
FORMS = ["/events/{slug}/register", "/auth/sign-in", "/auth/login", "/auth/language",
         "/events/{slug}/me/breakouts", "/events/{slug}/me/breakouts/leave",
         "/events/{slug}/me/cancel", "/events/{slug}/vote", "/organiser/events/new",
         "/organiser/events/{slug}/edit", "/organiser/events/{slug}/agenda/new",
         "/organiser/events/{slug}/breakouts/new", "/organiser/events/{slug}/finalists/new",
         "/organiser/events/{slug}/status", "/organiser/events/{slug}/live/open",
         "/me/privacy"]


def _rows():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Event, User, Registration))


@pytest.fixture
def fuzz_world(create_event, register, organiser, auth):
    event = create_event(finalists=2)
    register(event, email="fuzz@example.org")
    return event


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=st.sampled_from(FORMS), as_organiser=st.booleans(),
       data=st.dictionaries(st.sampled_from(FIELDS), NASTY, max_size=8))
def test_random_form_input_never_breaks_anything(client, auth, fuzz_world, form, as_organiser,
                                                 data):
    client.post("/auth/logout", data={})
    if as_organiser:
        auth.login_organiser()
    before = _rows()
    response = client.post(form.format(slug=fuzz_world.slug), data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        db.session.rollback()
        assert _rows() == before


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=NASTY.filter(lambda s: "/" not in s and "?" not in s and "#" not in s and s),
       template=st.sampled_from(["/events/{}/", "/events/{}/register", "/events/{}/results",
                                 "/live/{}/state", "/screen/{}", "/finalists/{}/logo.png",
                                 "/auth/link/{}", "/organiser/events/{}/"]))
def test_random_url_parameters_are_4xx_not_500(client, segment, template):
    response = client.get(template.format(segment))
    assert response.status_code < 500


@pytest.mark.parametrize("name", ["Bell\x07 Ringer", "Esc\x1b[31m", "Del\x7f", "Next\x85Line",
                                  "Two\nLines", "Tab\tbed"])
def test_control_characters_are_refused_next_to_the_field(client, create_event, name):
    event = create_event()
    response = client.post(f"/events/{event.slug}/register", data={
        "name": name, "email": "pat@example.org", "organisation": "Netz", "consent": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Steuerzeichen" in page and page.index("Steuerzeichen") > page.index('name="name"')
    assert _rows()[2] == 0


def test_line_breaks_stay_allowed_in_long_texts(client, auth, create_event):
    event = create_event()
    auth.login_organiser()
    response = client.post(f"/organiser/events/{event.slug}/finalists/new", data={
        "organisation": "Netz", "project_title": "Projekt", "summary": "Eins\r\nZwei\tDrei",
        "pitch_seconds": "180"})
    assert response.status_code == 303


@pytest.mark.parametrize(("form", "field"), [
    ("/events/{slug}/me/breakouts", "session_id"), ("/events/{slug}/me/breakouts/leave", "slot_id"),
    ("/events/{slug}/vote", "finalist"), ("/organiser/events/{slug}/checkin", "registration_id"),
    ("/organiser/events/{slug}/live/agenda", "item"),
    ("/organiser/events/{slug}/live/pitch", "finalist")])
@pytest.mark.parametrize("as_organiser", [False, True])
def test_ids_beyond_the_id_column_are_4xx_not_500(client, auth, fuzz_world, form, field,
                                                  as_organiser):
    if as_organiser:
        auth.login_organiser()
    else:
        auth.login_participant(registrations_for_event(fuzz_world)[0].user)
    response = client.post(form.format(slug=fuzz_world.slug),
                           data={field: str(2**31), "confirmed": "1"})
    assert 400 <= response.status_code < 500


def test_organisers_cannot_sign_in_with_a_mailed_link(client, organiser, create_event):
    with write_transaction():
        token = issue_sign_in_token(organiser, soon(), single_use=False)
    client.get(f"/auth/link/{token}")
    assert client.get("/organiser/").status_code == 302
