"""The site around the features: the favicon, versioned static files, health checks, and the
public pages that compose several features (a network's page with its meetings and hall of
fame)."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import routes  # noqa: E402,F401  (the routes register themselves on bp)
