"""Webhook endpoints and their deliveries: registering an endpoint, queueing what happened
(in the transaction that made it happen, like mail), signing and sending with back-off, and
pausing an endpoint that has failed for a day (its managers are mailed)."""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..auth.models import User
from ..database import utcnow, write_transaction
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..mailing.queue import queue_mail
from ..networks.models import Network, NetworkMember, NetworkRole
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookKind

log = logging.getLogger(__name__)

# After the 1st, 2nd, ... failed attempt; the last one repeats until the endpoint is paused.
BACK_OFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
            timedelta(hours=2), timedelta(hours=6))
PAUSE_AFTER = timedelta(days=1)
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Eventapp-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature of a delivery: HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's
    secret, hex. The receiver recomputes it and refuses an old timestamp (a replay)."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                    hashlib.sha256).hexdigest()


# --- the managers' side -----------------------------------------------------------------------


def endpoints_of(network: Network) -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.network_id == network.id).order_by(WebhookEndpoint.id)))


def recent_deliveries(network: Network, limit: int = 50) -> list[WebhookDelivery]:
    """The newest deliveries to the network's endpoints, with their status."""
    return list(db.session.scalars(
        select(WebhookDelivery).join(WebhookEndpoint)
        .where(WebhookEndpoint.network_id == network.id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


def _checked_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    local_http = current_app.config["WEBHOOKS_ALLOW_HTTP"] and parts.scheme == "http"
    if not (parts.scheme == "https" or local_http) or not parts.hostname:
        raise InvalidInput(_l("The address must start with https://."))
    return url


def create_endpoint(actor, network: Network, url: str, kinds) -> str:
    """Register an endpoint; returns its secret (shown to the manager once)."""
    kinds = sorted(WebhookKind(kind) for kind in kinds)
    if not kinds:
        raise InvalidInput(_l("Choose at least one event."))
    secret = "whsec_" + secrets.token_urlsafe(32)
    with write_transaction():
        endpoint = WebhookEndpoint(network_id=network.id, url=_checked_url(url), secret=secret,
                                   kinds=" ".join(kinds), created_by_id=actor.id)
        db.session.add(endpoint)
        db.session.flush()
        record(actor, "webhook.created", network=network.slug, endpoint=endpoint.id,
               url=endpoint.url)
    return secret


def _endpoint(network: Network, endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.network_id != network.id:
        raise NotFound()
    return endpoint


def delete_endpoint(actor, network: Network, endpoint_id: int) -> None:
    endpoint = _endpoint(network, endpoint_id)
    with write_transaction():
        db.session.delete(endpoint)
        record(actor, "webhook.deleted", network=network.slug, endpoint=endpoint_id)


def resume_endpoint(actor, network: Network, endpoint_id: int) -> None:
    """Send to a paused endpoint again, starting with what waited for it."""
    endpoint = _endpoint(network, endpoint_id)
    with write_transaction():
        endpoint.paused_at = endpoint.failing_since = None
        record(actor, "webhook.resumed", network=network.slug, endpoint=endpoint_id)


# --- queueing ---------------------------------------------------------------------------------


def enqueue(network_id: int, kind: WebhookKind, payload: dict) -> int:
    """Queue a delivery for each endpoint of the network told of `kind`; joins the caller's
    transaction, so it is queued iff what happened commits."""
    endpoints = db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.network_id == network_id))
    count = 0
    for endpoint in endpoints:
        if kind in endpoint.kind_set:
            db.session.add(WebhookDelivery(endpoint_id=endpoint.id, kind=kind, payload=payload))
            count += 1
    return count


# --- the worker -------------------------------------------------------------------------------


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST the body; the status code (an HTTP error's too). Raises OSError when nobody
    answers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps({"id": delivery.id, "type": delivery.kind,
                       "created_at": delivery.created_at.isoformat(),
                       "data": delivery.payload}, separators=(",", ":")).encode()


def deliver_due(now: datetime | None = None, batch: int = 50, send=_post) -> tuple[int, int]:
    """Send the deliveries that are due to endpoints that are not paused; returns (sent,
    failed)."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(WebhookDelivery).join(WebhookEndpoint)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.next_attempt_at <= now, WebhookEndpoint.paused_at.is_(None))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(batch)))
    sent = failed = 0
    for delivery in due:
        endpoint = delivery.endpoint
        if endpoint.paused_at is not None:  # paused by an earlier delivery of this batch
            continue
        body = _body(delivery)
        timestamp = int(now.timestamp())
        headers = {"Content-Type": "application/json", "User-Agent": "eventapp-webhooks",
                   "X-Eventapp-Event": delivery.kind, "X-Eventapp-Delivery": str(delivery.id),
                   SIGNATURE_HEADER: f"t={timestamp},v1={sign(endpoint.secret, timestamp, body)}"}
        try:
            status, error = send(endpoint.url, body, headers), ""
        except OSError as exc:  # refused, timed out, no such host
            status, error = None, f"{exc.__class__.__name__}: {exc}"[:300]
        if status is not None and 200 <= status < 300:
            _delivered(delivery, status, now)
            sent += 1
        else:
            _failed(delivery, status, error or f"HTTP {status}", now)
            failed += 1
    return sent, failed


def _delivered(delivery: WebhookDelivery, status: int, now: datetime) -> None:
    with write_transaction():
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = status, ""
        delivery.endpoint.failing_since = None


def _failed(delivery: WebhookDelivery, status: int | None, error: str, now: datetime) -> None:
    endpoint = delivery.endpoint
    with write_transaction():
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = status, error
        delivery.next_attempt_at = now + BACK_OFF[min(delivery.attempts, len(BACK_OFF)) - 1]
        endpoint.failing_since = endpoint.failing_since or now
        if now - endpoint.failing_since >= PAUSE_AFTER:
            endpoint.paused_at = now
            _mail_managers(endpoint)
    log.info("webhook %s to %s failed: %s", delivery.id, endpoint.url, error)


def _mail_managers(endpoint: WebhookEndpoint) -> None:
    network = db.session.get(Network, endpoint.network_id)
    managers = db.session.scalars(select(User).join(
        NetworkMember, NetworkMember.user_id == User.id).where(
        NetworkMember.network_id == network.id, NetworkMember.role == NetworkRole.MANAGER))
    for manager in managers:
        queue_mail("webhook_paused", manager, _l("A webhook of %(network)s is paused",
                                                 network=network.name),
                   "webhook_paused", network=network, endpoint=endpoint)
