"""A network's webhook endpoints and the deliveries queued for them (like outgoing mail)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class WebhookKind(StrEnum):
    """What an endpoint may be told of. The payload names ids only, never a person's data:
    the receiver reads what its token's scope allows through the API."""

    REGISTRATION_CONFIRMED = "registration.confirmed"
    REGISTRATION_CANCELLED = "registration.cancelled"
    CHECKED_IN = "registration.checked_in"
    POLL_REVEALED = "poll.revealed"
    APPLICATION_RECEIVED = "application.received"


class DeliveryStatus(StrEnum):
    PENDING = "pending"      # waits for its (next) attempt
    DELIVERED = "delivered"  # the endpoint answered 2xx


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"),
                                            index=True)
    url: Mapped[str] = mapped_column(String(500))
    # Kept as it is, unlike a token: the worker signs every delivery with it (HMAC-SHA256).
    secret: Mapped[str] = mapped_column(String(80))
    kinds: Mapped[str] = mapped_column(String(300))  # WebhookKind values, space-separated
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first failed attempt since the last success; a day of failures pauses it.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def kind_set(self) -> frozenset[str]:
        return frozenset(self.kinds.split())


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped["WebhookEndpoint"] = relationship()
