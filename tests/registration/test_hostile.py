"""What a hostile tester found in registration (issue 34): posts from many addresses naming one
victim's address each mailed the victim (item 9). Capped per recipient, as the sign-in link is;
the recipient's own registration still goes through after the minute."""

import pytest

from eventapp import create_app
from eventapp.extensions import db
from eventapp.mailing.models import OutgoingMail

from ..helpers import count_rows

VICTIM = "Opfer@Example.org"


@pytest.fixture
def limited(app):
    """The app with its rate limits on (the tests' app has them off)."""
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SUPPRESS_SEND": True,
                          "SERVER_NAME": "eventapp.test"})
    yield limited
    with limited.app_context():
        db.engine.dispose()


def post_from(limited, number: int, url: str, data: dict):
    """A post from its own sender address, so that only a per-recipient limit can stop it."""
    client = limited.test_client()
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": f"198.51.100.{number}"})


def test_fifteen_registrations_for_one_address_mail_it_only_a_few_times(limited, create_event):
    event = create_event(sessions=())
    spellings = [VICTIM, VICTIM.lower(), f" {VICTIM.upper()} "]

    statuses = [post_from(limited, n, f"/events/{event.slug}/register", {
        "name": "Jemand", "email": spellings[n % 3], "consent": "y"}).status_code
        for n in range(15)]

    assert count_rows(OutgoingMail) <= 5
    assert 429 in statuses and statuses[0] == 302
    other = post_from(limited, 99, f"/events/{event.slug}/register", {
        "name": "Jemand", "email": "someone-else@example.org", "consent": "y"})
    assert other.status_code == 302  # another address is not held up
