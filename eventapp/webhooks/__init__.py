"""Webhooks: a network's managers register HTTPS endpoints and choose what they are told of;
deliveries are queued in the database like mail, signed (HMAC-SHA256 of a timestamp and the
body with the endpoint's secret) and sent by `flask webhooks deliver --loop` with retries
and back-off; an endpoint failing for a day is paused and its managers are mailed."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from . import receivers as _receivers  # noqa: E402,F401  (connect to registration's signals)
from . import routes as _routes  # noqa: E402,F401
