"""The API under /api/v1/ (docs/api.md): public data without a token, a network's
registrations, applications and results with one of its tokens, registering and cancelling
for a CRM; its OpenAPI document written by flask-smorest from the routes and schemas, and a
page that shows it. Also the managers' pages for tokens and the calendar feeds."""

from flask import Blueprint, Flask, request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as ApiBlueprint
from werkzeug.exceptions import default_exceptions

from ..extensions import csrf

# The versioned routes: flask-smorest documents each from its schemas.
bp = ApiBlueprint("api", __name__, url_prefix="/api/v1",
                  description="eventapp's API, version 1")
# The pages for people: the API's documentation page and the managers' token pages.
pages = Blueprint("api_pages", __name__)

from . import routes as _routes  # noqa: E402,F401
from . import web as _web  # noqa: E402,F401  (the routes register themselves)


class Api(SmorestApi):
    """flask-smorest, but its JSON answer for every HTTP error stays the API's: it would
    register it for the whole app, turning every page's error page into JSON. The API's own
    handlers sit on its blueprint (routes.py)."""

    def _register_error_handlers(self):
        pass


def init_app(app: Flask) -> None:
    for key, value in {
        "API_TITLE": "eventapp",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        # The document only; the page that shows it is the app's own (no CDN: the CSP).
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": (
        "Public data of the networks and their meetings without a token; a network's "
        "registrations, applications and results with one of its tokens "
        "(`Authorization: Bearer <token>`). Errors answer as JSON with a message in the "
        "language of Accept-Language (de, en).")}})
    api.spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer",
                  "description": "A token of the network, made by its manager"})
    # CSRF is the cookie's risk: a request with a token is exempt, one without is checked
    # (routes.cookies_write_nothing) and then refused for want of a token.
    csrf.exempt(bp)
    api.register_blueprint(bp)
    app.register_blueprint(pages)
    app.extensions["eventapp_api"] = api
    _answer_unrouted_requests(app)


def _answer_unrouted_requests(app: Flask) -> None:
    """An address under /api/ that no route has, or a method a route does not take, fails
    before any blueprint is chosen: the app's error page would answer. The API answers JSON."""
    from .routes import http_error

    for status in (404, 405):
        page = app.error_handler_spec[None][status].get(default_exceptions[status])

        def handler(error, page=page):
            if request.path.startswith(bp.url_prefix + "/") and request.blueprint is None:
                return http_error(error)
            return page(error) if page is not None else error

        app.register_error_handler(status, handler)
