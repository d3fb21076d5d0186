"""What the features below tell the webhooks: a registration confirmed, cancelled or checked
in, a vote's result revealed, an application received. Each payload names ids only."""

from ..awards.signals import poll_revealed
from ..calls.signals import application_received
from ..events.models import Event
from ..extensions import db
from ..registration.signals import checked_in, registration_cancelled, registration_confirmed
from .models import WebhookKind
from .services import enqueue


def _registration(registration, kind: WebhookKind, **extra) -> None:
    enqueue(registration.event.network_id, kind,
            {"event": registration.event.slug, "registration_id": registration.id, **extra})


@registration_confirmed.connect
def _confirmed(registration, **_extra) -> None:
    _registration(registration, WebhookKind.REGISTRATION_CONFIRMED, status=registration.status)


@registration_cancelled.connect
def _cancelled(registration, **_extra) -> None:
    _registration(registration, WebhookKind.REGISTRATION_CANCELLED)


@checked_in.connect
def _checked_in(registration, **_extra) -> None:
    _registration(registration, WebhookKind.CHECKED_IN)


@poll_revealed.connect
def _revealed(event_id, polls=(), **_extra) -> None:
    event = db.session.get(Event, event_id)
    enqueue(event.network_id, WebhookKind.POLL_REVEALED,
            {"event": event.slug, "poll_ids": list(polls)})


@application_received.connect
def _received(application, **_extra) -> None:
    event = application.call.event
    enqueue(event.network_id, WebhookKind.APPLICATION_RECEIVED,
            {"event": event.slug, "application_id": application.id})
