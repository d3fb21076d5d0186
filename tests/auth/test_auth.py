"""Signing in and out: single-use links asked for by mail, organiser passwords, sign-out,
the language switch, and the `flask users create-organiser` command."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from eventapp.auth import services as auth_services
from eventapp.auth.models import User
from eventapp.auth.services import (
    find_user_by_email,
    issue_sign_in_token,
    redeem_sign_in_token,
)
from eventapp.database import utcnow, write_transaction
from eventapp.extensions import db

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD, reloaded, run_in_threads, soon

LINK = re.compile(r"http://eventapp\.test(/auth/link/[\w-]+)")
LINK_ON_ITS_WAY = ("Wenn wir diese Adresse kennen, ist ein Login-Link unterwegs. "
                   "Er funktioniert einmal innerhalb von 30 Minuten.")
LINK_INVALID = "Dieser Login-Link ist nicht mehr gültig."
WRONG_LOGIN = "E-Mail-Adresse oder Passwort ist falsch."
FORM_EXPIRED = "Das Formular war abgelaufen."


def _link_path(message) -> str:
    """The path of the sign-in link in a mail's plain-text part."""
    return LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)


def _stays_on_this_site(location: str) -> bool:
    """Whether a browser would resolve the Location to this site (it reads \\ as /)."""
    parts = urlsplit(location.replace("\\", "/"))
    return not parts.scheme and not parts.netloc and location.startswith("/")


def _token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def _signed_in(client) -> bool:
    response = client.get("/me")
    return not response.headers.get("Location", "").startswith("/auth/sign-in")



@pytest.fixture
def anna(create_event, register, mailbox):
    """A registered participant, with the confirmation mail cleared from the mailbox."""
    person = register(create_event(), email="anna@example.org", name="Anna Schmidt").user
    mailbox.clear()
    return person


def _ask_for_link(client, email="anna@example.org"):
    return client.post("/auth/sign-in", data={"email": email})


# --- asking for a link ----------------------------------------------------------------------


def test_sign_in_page_offers_a_link_by_mail_and_the_organiser_login(client):
    response = client.get("/auth/sign-in")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Login-Link senden" in page and 'href="/auth/login"' in page


def test_asking_for_a_link_mails_a_single_use_link_valid_for_30_minutes(client, anna, mailbox):
    response = _ask_for_link(client, email="Anna@Example.ORG")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/sign-in"
    assert LINK_ON_ITS_WAY in client.get("/auth/sign-in").get_data(as_text=True)
    (message,) = mailbox
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Ihr Login-Link"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Guten Tag Anna Schmidt" in body and "30 Minuten" in body
    assert message.get_body(preferencelist=("html",)) is not None
    token = _token_of(_link_path(message))
    user = reloaded(anna)
    assert user.sign_in_token_single_use
    assert timedelta(minutes=29) < user.sign_in_token_expires_at - utcnow() <= timedelta(minutes=30)
    # At least 128 random bits, and only a hash of them is kept.
    assert len(token) >= 22 and token not in user.sign_in_token_hash


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, anna, mailbox):
    known = _ask_for_link(client)
    known_page = client.get("/auth/sign-in").get_data(as_text=True)
    mailbox.clear()

    unknown = _ask_for_link(client, email="nobody@example.org")
    unknown_page = client.get("/auth/sign-in").get_data(as_text=True)

    assert (known.status_code, known.headers["Location"]) == \
        (unknown.status_code, unknown.headers["Location"])
    assert LINK_ON_ITS_WAY in known_page and LINK_ON_ITS_WAY in unknown_page
    assert mailbox == []
    assert find_user_by_email("nobody@example.org") is None


def test_known_and_unknown_addresses_get_the_same_answer_as_fast(client, anna, mailbox,
                                                                 smtp_server):
    """The request only queues the mail; it leaves after the response is sent."""
    inbox = smtp_server[2]
    client.csrf_token()  # read once before timing
    answers, seconds, mailed_during_request = {}, {}, {}
    inbox.delay = 2.0  # a slow mail server
    try:
        for email in ("anna@example.org", "nobody@example.org"):
            before, started = len(mailbox), time.perf_counter()
            response = client.post("/auth/sign-in", data={"email": email}, buffered=False)
            seconds[email] = time.perf_counter() - started
            mailed_during_request[email] = len(mailbox) - before
            answers[email] = (response.status_code, response.headers["Location"],
                              response.get_data())
            response.close()  # the answer is out: now the mail leaves
    finally:
        inbox.delay = 0.0

    assert answers["anna@example.org"] == answers["nobody@example.org"]
    assert max(seconds.values()) < 1.0, seconds
    assert mailed_during_request == {"anna@example.org": 0, "nobody@example.org": 0}
    (message,) = mailbox
    assert message["To"] == "anna@example.org" and message["Subject"] == "Ihr Login-Link"


@pytest.mark.parametrize(("email", "message"), [
    ("", "Dieses Feld wird benötigt."),
    ("not-an-address", "E-Mail-Adresse"),
    ("x" * 250 + "@example.org", "Feld"),
])
def test_a_bad_address_is_refused_next_to_the_field_and_mails_nothing(client, anna, mailbox,
                                                                      email, message):
    response = _ask_for_link(client, email=email)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in page and message in page
    assert mailbox == []


# --- one mailbox, one account ----------------------------------------------------------------


@pytest.mark.parametrize(("stored", "variant"), [
    ("anna@bücher.de", "anna@xn--bcher-kva.de"),  # Unicode and punycode domain
    ("anna@xn--bcher-kva.de", "Anna@BÜCHER.de"),
    ("anna@example.org", "anna@example\u3002org"),  # ideographic full stop as the dot
    ("m\u00fcller@example.org", "mu\u0308ller@example.org"),  # NFC and NFD local part
])
def test_one_mailbox_is_one_account_however_the_address_is_written(app, create_event, register,
                                                                   stored, variant):
    app.config["MAIL_SMTPUTF8"] = True  # the mail server takes müller@…
    event = create_event()
    first = register(event, email=stored).user
    second = register(create_event(), email=variant).user

    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(User)) == 2  # with the organiser
    assert find_user_by_email(variant).id == find_user_by_email(stored).id == first.id
    # Stored in one form: ASCII domain, NFC local part, lower case.
    assert first.email.endswith(("@xn--bcher-kva.de", "@example.org"))
    assert first.email == first.email.lower() and "\u0308" not in first.email


# --- using a link ---------------------------------------------------------------------------


def test_the_mailed_link_signs_in_once_and_a_second_use_fails(client, anna, mailbox):
    _ask_for_link(client)
    link = _link_path(mailbox[0])

    first = client.get(link)

    assert first.status_code == 302 and first.headers["Location"] == "/me"
    assert _signed_in(client)
    client.post("/auth/logout", data={})
    assert not _signed_in(client)
    second = client.get(link)
    assert second.status_code == 302 and second.headers["Location"] == "/auth/sign-in"
    assert LINK_INVALID in client.get("/auth/sign-in").get_data(as_text=True)
    assert not _signed_in(client)


def test_a_link_older_than_30_minutes_no_longer_signs_in(client, anna, mailbox):
    _ask_for_link(client)
    with write_transaction():
        db.session.get(User, anna.id).sign_in_token_expires_at = utcnow() - timedelta(seconds=1)

    response = client.get(_link_path(mailbox[0]), follow_redirects=True)

    assert LINK_INVALID in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_new_link_revokes_the_one_sent_before(client, anna, mailbox):
    _ask_for_link(client)
    _ask_for_link(client)
    old, new = (_link_path(message) for message in mailbox)

    assert LINK_INVALID in client.get(old, follow_redirects=True).get_data(as_text=True)
    assert not _signed_in(client)
    assert client.get(new).headers["Location"] == "/me"
    assert _signed_in(client)


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "x" * 200])
def test_an_invalid_token_redirects_to_sign_in_with_a_message(client, anna, token):
    response = client.get(f"/auth/link/{token}")

    assert response.status_code == 302 and response.headers["Location"] == "/auth/sign-in"
    assert LINK_INVALID in client.get("/auth/sign-in").get_data(as_text=True)
    assert not _signed_in(client)


def test_the_link_redirects_so_the_token_leaves_the_address_bar(client, anna, mailbox):
    _ask_for_link(client)
    link = _link_path(mailbox[0])

    response = client.get(link)

    assert response.status_code == 302
    assert _token_of(link) not in response.headers["Location"]
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert _token_of(link) not in page.get_data(as_text=True)


def test_the_link_follows_a_next_path_on_this_site(client, anna, mailbox):
    _ask_for_link(client)

    response = client.get(_link_path(mailbox[0]) + "?next=/events/treffen-1/me")

    assert response.headers["Location"] == "/events/treffen-1/me"


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
])
def test_the_link_never_redirects_to_another_site(client, anna, mailbox, target):
    _ask_for_link(client)

    response = client.get(_link_path(mailbox[0]), query_string={"next": target})

    assert response.status_code == 302 and _stays_on_this_site(response.headers["Location"])
    assert _signed_in(client)


def test_a_single_use_link_clicked_twice_at_once_signs_in_only_once(app, anna, monkeypatch):
    with write_transaction():
        token = issue_sign_in_token(anna, expires_at=soon(days=1), single_use=True)

    def slow_utcnow():
        # A slow request: every click has found the token before any of them spends it.
        time.sleep(0.2)
        return utcnow()

    monkeypatch.setattr(auth_services, "utcnow", slow_utcnow)

    def redeem(_index):
        with app.app_context():  # its own session and connection, like a second request
            return redeem_sign_in_token(token) is not None

    assert sorted(run_in_threads(4, redeem)) == [False, False, False, True]


def test_the_long_lived_link_from_the_registration_mail_works_more_than_once(client, anna):
    with write_transaction():
        token = issue_sign_in_token(anna, expires_at=soon(days=60), single_use=False)

    assert client.get(f"/auth/link/{token}").headers["Location"] == "/me"
    client.post("/auth/logout", data={})
    assert client.get(f"/auth/link/{token}").headers["Location"] == "/me"
    assert _signed_in(client)


# --- organiser password -------------------------------------------------------------------


def test_login_page_asks_for_email_and_password(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page and 'type="password"' in page


def test_organiser_signs_in_with_the_password(client, organiser):
    response = client.post("/auth/login", data={"email": "ORGA@Example.org",
                                                "password": ORGANISER_PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/organiser/"
    assert client.get("/organiser/").status_code == 200


def test_login_follows_only_a_local_next(client, organiser):
    data = {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}
    local = client.post("/auth/login?next=/organiser/events/new", data=data)
    client.post("/auth/logout", data={})
    foreign = client.post("/auth/login?next=https://evil.example/", data=data)

    assert local.headers["Location"] == "/organiser/events/new"
    assert foreign.headers["Location"] == "/organiser/"


def test_wrong_password_and_unknown_user_get_the_same_401(client, organiser):
    wrong = client.post("/auth/login", data={"email": ORGANISER_EMAIL, "password": "wrong-one"})
    unknown = client.post("/auth/login", data={"email": "who@example.org",
                                               "password": ORGANISER_PASSWORD})

    assert wrong.status_code == unknown.status_code == 401
    assert WRONG_LOGIN in wrong.get_data(as_text=True)
    assert WRONG_LOGIN in unknown.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302


@pytest.mark.parametrize("password", ["x", "anything-long-enough"])
def test_a_participant_without_password_cannot_log_in(client, anna, password):
    response = client.post("/auth/login", data={"email": "anna@example.org",
                                                "password": password})

    assert response.status_code == 401
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_participant_with_a_stray_password_hash_still_cannot_log_in(client, anna):
    with write_transaction():
        # Not possible through the app; the role, not the hash, decides.
        db.session.get(User, anna.id).password_hash = generate_password_hash("secret-password")

    response = client.post("/auth/login", data={"email": "anna@example.org",
                                                "password": "secret-password"})

    assert response.status_code == 401 and not _signed_in(client)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"password": ORGANISER_PASSWORD}, "email", "Dieses Feld wird benötigt."),
    ({"email": "orga-at-example.org", "password": ORGANISER_PASSWORD}, "email",
     "E-Mail-Adresse"),
    ({"email": ORGANISER_EMAIL}, "password", "Dieses Feld wird benötigt."),
    ({"email": ORGANISER_EMAIL, "password": "x" * 201}, "password", "Feld"),
])
def test_bad_login_input_is_422_with_the_message_next_to_the_field(client, organiser, data,
                                                                   field, message):
    response = client.post("/auth/login", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert client.get("/organiser/").status_code == 302


# --- sign-out -----------------------------------------------------------------------------


def test_logout_is_post_only(client, auth, organiser):
    auth.login_organiser()

    assert client.get("/auth/logout").status_code == 405
    assert client.get("/organiser/").status_code == 200


def test_logout_ends_the_session(client, auth, organiser):
    auth.login_organiser()

    response = client.post("/auth/logout", data={})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sie sind ausgeloggt." in client.get("/").get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302


@pytest.mark.parametrize("token", ["", "forged"])
def test_logout_without_a_valid_csrf_token_is_400_and_keeps_the_session(client, auth,
                                                                        organiser, token):
    auth.login_organiser()

    response = client.post("/auth/logout", data={"csrf_token": token})

    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 200


# --- language -----------------------------------------------------------------------------


def _switch(client, lang, next_="/"):
    return client.post("/auth/language", data={"lang": lang, "next": next_})


def test_language_switches_to_english_and_back_and_is_remembered(client):
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)

    response = _switch(client, "en", "/auth/sign-in")

    assert response.status_code == 303 and response.headers["Location"] == "/auth/sign-in"
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    for path in ("/", "/auth/sign-in", "/auth/login"):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True)
    assert "Send me a sign-in link" in client.get("/auth/sign-in").get_data(as_text=True)

    _switch(client, "de")

    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert '<html lang="de">' in page and "Login-Link senden" in page


def test_a_signed_in_users_language_is_kept_for_their_mails(client, auth, anna):
    auth.login_participant(anna)

    _switch(client, "en")

    assert reloaded(anna).locale == "en"


def test_the_language_survives_signing_in_and_out(client, auth, anna):
    _switch(client, "en")
    auth.login_participant(anna)
    assert '<html lang="en">' in client.get("/me", follow_redirects=True).get_data(as_text=True)

    auth.logout()

    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("data", [{"lang": "xx"}, {"lang": ""}, {},
                                  {"lang": "de" * 100, "next": "/"}])
def test_an_invalid_language_changes_nothing_and_does_not_fail(client, data):
    _switch(client, "en")

    response = client.post("/auth/language", data=data)

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_the_language_switch_never_redirects_to_another_site(client, target):
    assert _stays_on_this_site(_switch(client, "en", target).headers["Location"])


def test_the_language_switch_needs_post_and_a_csrf_token(client):
    assert client.get("/auth/language").status_code == 405
    response = client.post("/auth/language", data={"lang": "en", "csrf_token": ""})
    assert response.status_code == 400
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


# --- flask users create-organiser ---------------------------------------------------------


def test_create_organiser_command_makes_an_account_that_can_log_in(runner, client):
    result = runner.invoke(args=["users", "create-organiser", "Boss@Example.org", "--name",
                                 "Bea Boss", "--password", "a-long-password!"])

    assert result.exit_code == 0, result.output
    assert "boss@example.org" in result.output
    user = find_user_by_email("boss@example.org")
    assert user.is_organiser and user.name == "Bea Boss"
    assert user.password_hash and "a-long-password!" not in user.password_hash
    login = client.post("/auth/login", data={"email": "boss@example.org",
                                             "password": "a-long-password!"})
    assert login.status_code == 302 and login.headers["Location"] == "/organiser/"


def test_create_organiser_command_asks_for_the_password_twice(runner):
    result = runner.invoke(args=["users", "create-organiser", "boss@example.org"],
                           input="a-long-password!\na-long-password!\n")

    assert result.exit_code == 0, result.output
    assert find_user_by_email("boss@example.org").is_organiser


def test_create_organiser_command_makes_a_participant_an_organiser(runner, anna):
    result = runner.invoke(args=["users", "create-organiser", "anna@example.org",
                                 "--password", "a-long-password!"])

    assert result.exit_code == 0, result.output
    user = reloaded(anna)
    assert user.is_organiser and user.name == "Anna Schmidt"


def test_create_organiser_command_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create-organiser", "boss@example.org",
                                 "--password", "short"])

    assert result.exit_code != 0
    assert "Das Passwort braucht mindestens 10 Zeichen." in result.output
    assert find_user_by_email("boss@example.org") is None


@pytest.mark.parametrize("email", ["not-an-address", "boss@", ""])
def test_create_organiser_command_refuses_an_invalid_email(runner, email):
    result = runner.invoke(args=["users", "create-organiser", email,
                                 "--password", "a-long-password!"])

    assert result.exit_code == 2
    assert "Invalid value for 'EMAIL'" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
