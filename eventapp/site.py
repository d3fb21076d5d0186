"""What clients of any web site expect, outside the features: the icon at /favicon.ico, static
file addresses that change with their content, and the health checks of the reverse proxy
and the orchestration (docs/operations.md)."""

import hashlib
import logging
import os
from functools import cache

from flask import Blueprint, current_app, g, jsonify, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter, talisman

log = logging.getLogger(__name__)

bp = Blueprint("site", __name__)


def allow_frames_from(origin: str) -> None:
    """Let this response's page embed frames from `origin` (the stage page's video player)."""
    # Never cached: g lives for one request, so every stage page must set it again.
    g.frame_origin = origin


def add_frame_source(response):
    """Extend the CSP that Talisman set by the page's frame origin, if it has one.

    Registered before Talisman, so that it runs after it (Flask runs them in reverse)."""
    origin = g.get("frame_origin")
    if origin and "Content-Security-Policy" in response.headers:
        response.headers["Content-Security-Policy"] += f"; frame-src {origin}"
    return response


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
@limiter.exempt
@talisman(force_https=False)
def healthz():
    """Liveness: the process answers (no database, no Redis)."""
    return jsonify(status="ok")


@bp.route("/readyz")
@limiter.exempt
@talisman(force_https=False)
def readyz():
    """Readiness: 503 without the database. Without Redis the app serves on (the limits fall
    back to memory), so it stays ready and says "degraded"."""
    checks = readiness()
    if checks["database"] != "ok":
        return jsonify(status="unavailable", **checks), 503
    return jsonify(status="ok" if all(v == "ok" for v in checks.values()) else "degraded",
                   **checks)
