"""What registration tells the webhooks: a registration confirmed or cancelled (ids only)."""

from ..registration.signals import registration_cancelled, registration_confirmed
from .models import WebhookKind
from .services import enqueue


def _payload(registration) -> dict:
    return {"event": registration.event.slug, "registration_id": registration.id}


@registration_confirmed.connect
def _confirmed(registration, **_extra) -> None:
    enqueue(registration.event.network_id, WebhookKind.REGISTRATION_CONFIRMED,
            {**_payload(registration), "status": registration.status})


@registration_cancelled.connect
def _cancelled(registration, **_extra) -> None:
    enqueue(registration.event.network_id, WebhookKind.REGISTRATION_CANCELLED,
            _payload(registration))
