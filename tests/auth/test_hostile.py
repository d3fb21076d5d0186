"""What a hostile tester found at the organiser's sign-in (issue 34, item 13): wrong passwords
for one account from many addresses were all answered 401, the limit being per address only.
Now an account takes 10 wrong passwords per 15 minutes from devices it was never signed in
with, then says so (429 with a message); the owner's own device, one that signed in before,
still signs in, so an attacker cannot lock the owner out."""

import pytest

from eventapp import create_app
from eventapp.extensions import db

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD


@pytest.fixture
def limited(app):
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test",
                          "SERVER_NAME": "eventapp.test"})
    yield limited
    with limited.app_context():
        db.engine.dispose()


def _login(client, number: int, password: str, email: str = ORGANISER_EMAIL):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})


def test_wrong_passwords_from_many_addresses_meet_a_limit_per_account(limited, organiser):
    statuses = [_login(limited.test_client(), n, f"falsch-{n}").status_code for n in range(13)]

    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429] * 3
    page = _login(limited.test_client(), 50, "falsch").get_data(as_text=True)
    assert "falsche Passwörter" in page  # says why, in the reader's language
    # a new device with the right password waits too (15 minutes at most) ...
    assert _login(limited.test_client(), 51, ORGANISER_PASSWORD).status_code == 429
    # ... another account does not
    assert _login(limited.test_client(), 52, "falsch", "other@example.org").status_code == 401


def test_the_owner_s_own_device_still_signs_in_during_an_attack(limited, organiser):
    owner = limited.test_client()
    assert _login(owner, 1, ORGANISER_PASSWORD).status_code == 302
    owner.post("/auth/logout", data={})

    for n in range(20):
        _login(limited.test_client(), 100 + n, f"falsch-{n}")

    assert _login(owner, 1, ORGANISER_PASSWORD).status_code == 302


def test_a_device_cookie_of_another_account_does_not_help(limited, organiser):
    from eventapp.auth.services import create_organiser

    create_organiser("zweite@example.org", "ein-anderes-langes-passwort", "Zweite")
    device = limited.test_client()
    assert _login(device, 1, "ein-anderes-langes-passwort", "zweite@example.org").status_code \
        == 302
    device.post("/auth/logout", data={})
    for n in range(12):
        _login(limited.test_client(), 100 + n, f"falsch-{n}")

    assert _login(device, 1, "falsch").status_code == 429
