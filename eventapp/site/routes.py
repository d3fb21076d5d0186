"""What clients of any web site expect, outside the features: the icon at /favicon.ico, static
file addresses that change with their content, the health checks of the reverse proxy and the
orchestration (docs/operations.md); and a network's public page, which shows its meetings and
its hall of fame."""

import hashlib
import logging
import os
from functools import cache

from flask import current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..awards.hall_of_fame import hall_of_fame
from ..events.services import events_of_network
from ..extensions import db, limiter
from ..networks.services import get_network
from ..security_headers import plain_http_allowed
from . import bp

log = logging.getLogger(__name__)


# A release replaces the files and restarts the process, so a file's hash holds for its life.
@cache
def _fingerprint(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


@bp.app_url_defaults
def version_static_files(endpoint: str, values: dict) -> None:
    """/static/css/app.css?v=<hash of the file>: a new release changes the address, so the
    proxy may let browsers keep static files for a year (deploy/nginx/eventapp-proxy.conf)."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        path = os.path.join(current_app.static_folder, values["filename"])
        if os.path.isfile(path):
            values["v"] = _fingerprint(path)


@bp.route("/favicon.ico")
def favicon():
    """The icon for clients that ask the old address (pages name favicon.svg in base.html)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=7 * 24 * 3600)


def readiness() -> dict[str, str]:
    """Whether the database answers and, when rate limits live in Redis, whether Redis does."""
    checks = {"database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("readiness: the database does not answer: %s", error.__class__.__name__)
        checks["database"] = "unreachable"
    finally:
        db.session.rollback()
    config = current_app.config
    if config["RATELIMIT_ENABLED"] and not config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        checks["redis"] = "ok" if limiter.storage.check() else "unreachable"
    return checks


# Probes come over plain HTTP from inside, carry no personal data and are never rate-limited.
@bp.route("/healthz")
@plain_http_allowed
def healthz():
    """Liveness: the process answers (no database, no Redis)."""
    return jsonify(status="ok")


@bp.route("/readyz")
@plain_http_allowed
def readyz():
    """Readiness: 503 without the database. Without Redis the app serves on (the limits fall
    back to memory), so it stays ready and says "degraded"."""
    checks = readiness()
    if checks["database"] != "ok":
        return jsonify(status="unavailable", **checks), 503
    return jsonify(status="ok" if all(v == "ok" for v in checks.values()) else "degraded",
                   **checks)


@bp.route("/networks/<network>/")
def network_page(network: str):
    """A network's public page: its meetings and its hall of fame."""
    network = get_network(network)
    return render_template("site/network.html", network=network,
                           events=events_of_network(network), entries=hall_of_fame(network.id))
