"""Browser tests: Debian's chromium driven by Playwright against a real server on 127.0.0.1.

The server is werkzeug's threaded server in a thread, with its own app instance on the
test database; the `app` fixture of tests/conftest.py empties the tables afterwards.
"""

import logging
import os
import re
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from eventapp import create_app
from eventapp.extensions import db
from eventapp.mailing.models import OutgoingMail
from eventapp.mailing.send import deliver_queued

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).with_name("screenshots")
PHONE = {"width": 360, "height": 740}
CONFIRM_PATTERN = re.compile(r"https?://\S+/register/confirm/\S+")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's chromium: apt-get install -y chromium")
    # Without the networking flags chromium keeps dialling Google, which this network refuses.
    return {"executable_path": CHROMIUM, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The reference meeting's people read German, and their browsers say so (Accept-Language).
    return {**browser_context_args, "locale": "de-DE"}


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free port of 127.0.0.1; yields its base URL."""
    with serve(app) as base_url:
        yield base_url


@contextmanager
def serve(app):
    """Serve a twin of the test app (its settings, limits off) on a free port of 127.0.0.1."""
    config = {key: app.config[key] for key in (
        "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MAIL_SERVER", "MAIL_PORT", "MAIL_OUTBOX_DIR",
        "LIVE_STATE_CACHE_SECONDS", "BALLOT_CACHE_SECONDS",
        "EVENT_LANGUAGE_CACHE_SECONDS", "LIVE_PUSH_PUBLISH_URL")}
    served = create_app({**config, "RATELIMIT_ENABLED": False})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log in test output
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with served.app_context():
            db.engine.dispose()


@pytest.fixture
def screenshot():
    """Save a screenshot under tests/e2e/screenshots/ when E2E_SCREENSHOTS=1."""

    def save(page, name: str) -> None:
        if os.environ.get("E2E_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


def confirmation_link(mailbox, address: str, wait: float = 30.0) -> str:
    """The link of the newest mail to `address` that confirms a registration form.

    The server sends the mail after its response, so it may still be on its way. Twice in
    full runs (never alone) that mail had not come after 30 s and nothing was logged; after
    10 s the test's own app therefore sends what is still queued, as the mail worker would,
    and says on stderr what the queue held (shown if the test fails).
    """
    deadline, nudged = time.monotonic() + wait, False
    while True:
        for message in reversed(mailbox):
            if message["To"] == address:
                body = message.get_body(preferencelist=("plain",)).get_content()
                return CONFIRM_PATTERN.search(body).group(0)
        if not nudged and time.monotonic() > deadline - wait * 2 / 3:
            nudged = True
            _send_what_is_queued()
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {address} in {wait} s; the mailbox holds mails "
                                 f"to {[message['To'] for message in mailbox]}")
        time.sleep(0.05)


def _send_what_is_queued() -> None:
    db.session.rollback()  # see the server's commits
    rows = db.session.execute(select(OutgoingMail.id, OutgoingMail.status, OutgoingMail.attempts,
                                     OutgoingMail.last_error)).all()
    print(f"mail not delivered after the response; the queue holds {rows}", file=sys.stderr)
    print(f"sent by the test: {deliver_queued()}", file=sys.stderr)
