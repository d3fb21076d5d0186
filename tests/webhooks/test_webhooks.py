"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retries with back-off after a 500,
a pause after a day of failures with a mail to the managers; the managers' page."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from eventapp.api.models import TokenScope
from eventapp.awards import voting
from eventapp.calls import services as calls
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.mailing.models import OutgoingMail
from eventapp.registration.attendance import mark_checked_in
from eventapp.registration.models import Registration
from eventapp.registration.services import cancel
from eventapp.webhooks import services
from eventapp.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from ..api.conftest import bearer
from ..helpers import STAFF_PASSWORD, assert_valid_html, confirm_link, image_bytes, reloaded

KINDS = ("registration.confirmed", "registration.cancelled")


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records what it gets and answers `statuses` in
    turn (the last one from then on)."""

    def __init__(self):
        self.received, self.statuses = [], [200]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 \
                    else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    app.config["WEBHOOKS_ALLOW_HTTP"] = True
    running = Receiver()
    yield running
    running.close()


def verify(secret: str, headers: dict, body: bytes, now, tolerance=300) -> bool:
    """What a receiver does: recompute the signature and refuse an old timestamp."""
    fields = dict(part.split("=", 1) for part in headers["X-Eventapp-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body,
                        hashlib.sha256).hexdigest()
    fresh = abs(now.timestamp() - int(fields["t"])) <= tolerance
    return hmac.compare_digest(expected, fields["v1"]) and fresh


@pytest.fixture
def confirmed(client, create_event, make_token, mailbox):
    """A function that registers someone through the API and opens their mailed link."""

    def confirm(event, email="anna@example.org"):
        token = make_token(event.network, [TokenScope.WRITE_REGISTRATIONS])
        mailbox.clear()
        client.post(f"/api/v1/events/{event.slug}/registrations", headers=bearer(token),
                    json={"name": "Anna", "email": email, "consent": True})
        client.get(confirm_link(mailbox[0]))
        return db.session.scalar(select(Registration).join(Registration.user)
                                 .where(Registration.event_id == event.id))

    return confirm


def test_a_confirmed_and_a_cancelled_registration_are_delivered_signed(
        create_event, organiser, receiver, confirmed):
    event = create_event()
    secret = services.create_endpoint(organiser, event.network, receiver.url, KINDS)
    registration = confirmed(event)
    cancel(reloaded(registration))
    now = utcnow()
    assert services.deliver_due(now) == (2, 0)
    kinds = [json.loads(body)["type"] for _headers, body in receiver.received]
    assert kinds == ["registration.confirmed", "registration.cancelled"]
    for headers, body in receiver.received:
        assert verify(secret, headers, body, now)
        assert not verify("whsec_other", headers, body, now)
        assert not verify(secret, headers, body, now + timedelta(hours=1))  # a replay
        data = json.loads(body)["data"]
        assert data == {"event": event.slug, "registration_id": registration.id,
                        **({"status": "confirmed"} if "confirmed" in headers[
                            "X-Eventapp-Event"] else {})}
        assert "anna" not in body.decode()  # ids only, no personal data
    assert {d.status for d in db.session.scalars(select(WebhookDelivery))} == {
        DeliveryStatus.DELIVERED}


def test_a_failed_delivery_is_tried_again_after_its_back_off(create_event, organiser,
                                                              receiver, confirmed):
    event = create_event()
    services.create_endpoint(organiser, event.network, receiver.url, KINDS[:1])
    confirmed(event)
    receiver.statuses = [500, 200]
    now = utcnow()
    assert services.deliver_due(now) == (0, 1)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 500
    assert delivery.next_attempt_at == now + services.BACK_OFF[0]
    assert services.deliver_due(now + timedelta(seconds=30)) == (0, 0)  # not due yet
    assert services.deliver_due(now + timedelta(minutes=2)) == (1, 0)
    assert reloaded(delivery).status == DeliveryStatus.DELIVERED
    assert reloaded(delivery).attempts == 2
    assert len(receiver.received) == 2
    assert reloaded(delivery).endpoint.failing_since is None


def test_an_endpoint_failing_for_a_day_is_paused_and_its_managers_are_mailed(
        client, auth, two_networks, organiser, receiver, confirmed):
    event = two_networks["event"]
    services.create_endpoint(organiser, event.network, receiver.url, KINDS[:1])
    confirmed(event)
    receiver.statuses = [503]
    start = utcnow()
    moments = [start + offset for offset in (timedelta(0), timedelta(hours=2),
                                             timedelta(hours=12), timedelta(hours=24))]
    for moment in moments:
        assert services.deliver_due(moment) == (0, 1)
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.paused_at == moments[-1]
    mails = db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.kind == "webhook_paused")).all()
    assert len(mails) == 1  # the network's one manager
    assert services.deliver_due(start + timedelta(days=3)) == (0, 0)  # paused
    # the manager resumes it: what waited goes out
    receiver.statuses = [200]
    auth.login_organiser(two_networks["people"]["manager"].email, STAFF_PASSWORD)
    page = f"/organiser/networks/{event.network.slug}/webhooks"
    assert client.post(f"{page}/{endpoint.id}/resume", data={}).status_code == 303
    assert services.deliver_due(start + timedelta(days=3)) == (1, 0)


def test_the_managers_page_adds_an_https_endpoint_and_shows_its_secret_once(
        client, auth, two_networks, app):
    network = two_networks["ours"]
    page = f"/organiser/networks/{network.slug}/webhooks"
    auth.login_organiser(two_networks["people"]["organiser"].email, STAFF_PASSWORD)
    assert client.get(page).status_code == 403
    auth.login_organiser(two_networks["people"]["manager"].email, STAFF_PASSWORD)
    assert client.get(page).status_code == 200
    plain = client.post(page, data={"url": "http://crm.example.org/hook", "kinds": list(KINDS)})
    assert plain.status_code == 422
    made = client.post(page, data={"url": "https://crm.example.org/hook", "kinds": list(KINDS)})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    assert_valid_html(html, page)
    secret = db.session.scalar(select(WebhookEndpoint.secret))
    assert secret in html and secret not in client.get(page).get_data(as_text=True)
    endpoint_id = db.session.scalar(select(WebhookEndpoint.id))
    assert client.post(f"{page}/{endpoint_id}/delete", data={}).status_code == 303
    assert db.session.scalar(select(WebhookEndpoint)) is None


def test_check_in_reveal_and_application_are_delivered_with_ids_only(
        app, create_event, register, organiser, receiver):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    secret = services.create_endpoint(organiser, event.network, receiver.url,
                                      ["registration.checked_in", "poll.revealed",
                                       "application.received"])
    voter = register(event, email="v@example.org")
    assert mark_checked_in(voter)
    assert not mark_checked_in(reloaded(voter))  # twice is once
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    voting.cast_vote(poll, voter.user, poll.candidates[0].id)
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    for _ in range(2):  # two places to reveal
        live.reveal_next(organiser, event)
    calls.save_call(organiser, event, opens_at=utcnow(), deadline=event.starts_at, intro="",
                    questions="", criteria="Innovation")
    application = calls.apply(event, organisation="Netz", project_title="Projekt", summary="",
                              contact_name="Ada", contact_email="ada@example.org", answers=[],
                              consent=True, logo=image_bytes())
    now = utcnow()
    sent = services.deliver_due(now)
    bodies = [json.loads(body) for _headers, body in receiver.received]
    assert [(b["type"], b["data"]) for b in bodies] == [
        ("registration.checked_in", {"event": event.slug, "registration_id": voter.id}),
        ("poll.revealed", {"event": event.slug, "poll_ids": [poll.id]}),
        ("application.received", {"event": event.slug, "application_id": application.id})]
    assert sent == (3, 0)
    assert all(verify(secret, headers, body, now) for headers, body in receiver.received)
