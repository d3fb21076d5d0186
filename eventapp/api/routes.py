"""The API's routes, version 1: public data of networks and meetings (no token), and with a
token of the network its registrations, applications and results; registering and cancelling;
calendar feeds. Each route
calls the owners' services; the schemas say what it answers. ETags and pagination are
flask-smorest's (`X-Pagination` header; a matching If-None-Match answers 304)."""

import logging
from datetime import UTC, datetime, time

from flask import Response, current_app, request
from flask_babel import get_locale, gettext
from flask_smorest import Page
from werkzeug.exceptions import HTTPException

from ..awards.finalists import finalists_of
from ..breakouts.services import sessions_by_slot
from ..errors import DomainError
from ..events.models import EventStatus
from ..events.services import EventNotFound, events_of_network, get_event
from ..extensions import csrf, limiter
from ..networks.services import all_networks, get_network
from . import bp, feeds, services
from .models import TokenScope
from .schemas import (
    PUBLIC_STATUSES,
    AgendaItemSchema,
    ApplicationSchema,
    BreakoutSlotSchema,
    EventQuerySchema,
    EventSchema,
    FinalistSchema,
    MessageSchema,
    NetworkSchema,
    NewRegistrationSchema,
    RegistrationQuerySchema,
    RegistrationSchema,
    ResultSchema,
)
from .tokens import presented_token, rate_limit_key, token_required

log = logging.getLogger(__name__)

MESSAGES = {
    400: lambda: gettext("The request could not be understood."),
    401: lambda: gettext("This needs a token of the network: Authorization: Bearer <token>."),
    403: lambda: gettext("Your token does not allow this."),
    404: lambda: gettext("This page does not exist."),
    405: lambda: gettext("This action is not available here."),
    422: lambda: gettext("Please check your input."),
    413: lambda: gettext("The upload is too large."),
    429: lambda: gettext("Too many requests. Please wait a moment and try again."),
    500: lambda: gettext("Something went wrong on our side. Please try again."),
}


def error_response(status: int, message: str, errors: dict | None = None, headers=None):
    from http import HTTPStatus

    body = {"code": status, "status": HTTPStatus(status).phrase, "message": str(message)}
    if errors:
        body["errors"] = errors
    return body, status, headers or {}


def http_error(error: HTTPException):
    """Every HTTP error of the API as JSON in the reader's language (Accept-Language)."""
    if error.code is None or error.code < 400:  # 304 Not Modified of an ETag
        return error
    if error.code == 500:
        log.exception("unhandled error on %s", request.path)
    message = MESSAGES.get(error.code, lambda: error.name)()
    headers = {}
    if error.code == 429:
        limit = getattr(error, "limit", None)
        headers["Retry-After"] = str(limit.limit.get_expiry() if limit is not None else 60)
    if error.code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    errors = (getattr(error, "data", None) or {}).get("messages")
    return error_response(error.code, message, errors, headers)


# Flask asks the app's handlers of a status before a blueprint's of HTTPException: each status
# the app answers with a page gets the API's handler on the blueprint too.
bp.register_error_handler(HTTPException, http_error)
for _status in MESSAGES:
    bp.register_error_handler(_status, http_error)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A rule said no: the same message as the web form's, as JSON (the form's field by field
    in `errors`)."""
    return error_response(error.status_code, error.message, getattr(error, "errors", None))


def limited(view):
    """The API's rate limit, per token (per address without one)."""
    return limiter.limit(lambda: current_app.config["API_RATE_LIMIT"],
                         key_func=rate_limit_key)(view)


def public_event(slug: str):
    """A published or archived meeting; a draft does not exist for the API."""
    event = get_event(slug, include_archived=True)
    if event.status not in PUBLIC_STATUSES:
        raise EventNotFound()
    return event


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- public data ----------------------------------------------------------------------------


@bp.route("/networks")
@limited
@bp.etag
@bp.response(200, NetworkSchema(many=True))
@bp.paginate(Page, page_size=50, max_page_size=200)
def networks():
    """The networks

    Every network on this platform.
    """
    return all_networks()


@bp.route("/networks/<network>")
@limited
@bp.etag
@bp.response(200, NetworkSchema)
@bp.alt_response(404, response="NOT_FOUND")
def network(network: str):
    """A network"""
    return get_network(network)


@bp.route("/networks/<network>/events")
@limited
@bp.etag
@bp.arguments(EventQuerySchema, location="query", as_kwargs=True)
@bp.response(200, EventSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
@bp.paginate(Page, page_size=50, max_page_size=200)
def network_events(network: str, starts_from=None, starts_until=None, status=None):
    """A network's meetings

    Its published and archived meetings, newest first; filtered by date and status.
    """
    events = events_of_network(get_network(network))
    if starts_from:
        events = [e for e in events if e.ends_at >= _day_start(starts_from)]
    if starts_until:
        events = [e for e in events if e.starts_at.date() <= starts_until]
    if status:
        events = [e for e in events if e.status == EventStatus(status)]
    return events


@bp.route("/events/<event>")
@limited
@bp.etag
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
def event(event: str):
    """A meeting"""
    return public_event(event)


@bp.route("/events/<event>/agenda")
@limited
@bp.etag
@bp.response(200, AgendaItemSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
def agenda(event: str):
    """A meeting's agenda, in order of time"""
    return public_event(event).agenda_items


@bp.route("/events/<event>/breakouts")
@limited
@bp.etag
@bp.response(200, BreakoutSlotSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
def breakouts(event: str):
    """A meeting's breakout sessions, by agenda slot, with their free seats"""
    return [{"slot": slot, "sessions": sessions}
            for slot, sessions in sessions_by_slot(public_event(event))]


@bp.route("/events/<event>/finalists")
@limited
@bp.etag
@bp.response(200, FinalistSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
def finalists(event: str):
    """A meeting's finalists, in pitch order"""
    return finalists_of(public_event(event))


# --- with a token of the network ------------------------------------------------------------


def needs_token(scope: TokenScope):
    """A route for a token of the network with `scope`: checked by token_required, shown in
    the OpenAPI document."""

    def decorator(view):
        view = token_required(scope)(view)
        view = bp.alt_response(403, response="FORBIDDEN")(view)
        view = bp.alt_response(401, response="UNAUTHORIZED")(view)
        # An http bearer scheme names no scopes in OpenAPI 3.0: the token's is an extension.
        return bp.doc(security=[{"token": []}], **{"x-token-scope": str(scope)})(view)

    return decorator


@bp.route("/events/<event>/registrations")
@limited
@needs_token(TokenScope.READ_REGISTRATIONS)
@bp.etag
@bp.arguments(RegistrationQuerySchema, location="query", as_kwargs=True)
@bp.response(200, RegistrationSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
@bp.paginate(Page, page_size=100, max_page_size=500)
def registrations(event: str, status=None):
    """A meeting's registrations

    With their breakouts, check-in and guest category: confirmed first, then the waitlist,
    then the cancelled ones; filtered by status.
    """
    return services.registration_rows(get_event(event, include_unpublished=True), status)


@bp.route("/events/<event>/applications")
@limited
@needs_token(TokenScope.READ_REGISTRATIONS)
@bp.etag
@bp.response(200, ApplicationSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
@bp.paginate(Page, page_size=100, max_page_size=500)
def applications(event: str):
    """The applications to a meeting's call for finalists"""
    return services.application_rows(get_event(event, include_unpublished=True))


@bp.route("/events/<event>/results")
@limited
@needs_token(TokenScope.READ_PUBLIC)
@bp.etag
@bp.response(200, ResultSchema(many=True))
@bp.alt_response(404, response="NOT_FOUND")
def results(event: str):
    """The results of a meeting's revealed votes

    Only what was revealed; the decisive vote (a run-off) first.
    """
    return services.result_rows(public_event(event))


# --- calendar feeds ---------------------------------------------------------------------------

CALENDAR = {200: {"description": "An iCalendar feed (RFC 5545)",
                  "content": {"text/calendar": {"schema": {"type": "string"}}}}}


def _calendar(body: bytes, cache: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": cache})


@bp.route("/networks/<network>/meetings.ics")
@limited
@bp.doc(responses=CALENDAR)
@bp.alt_response(404, response="NOT_FOUND")
def network_calendar(network: str):
    """A network's public meetings as a calendar feed

    For a calendar app to subscribe to: each published or archived meeting of the network.
    """
    return _calendar(feeds.network_feed(get_network(network)), "public, max-age=900")


@bp.route("/feeds/<secret>.ics")
@limited
@bp.doc(responses=CALENDAR)
@bp.alt_response(404, response="NOT_FOUND")
def personal_calendar(secret: str):
    """A participant's own day as a calendar feed

    The agenda with their own breakout sessions. The address is secret: the participant
    gets it, and renews it (the old one then stops working), on their registration page.
    """
    _registration, body = feeds.personal_feed(secret)
    return _calendar(body, "private, no-cache")


# --- writing (a token with write_registrations) ---------------------------------------------


@bp.before_request
def cookies_write_nothing():
    """The API is CSRF-exempt only for requests that carry a token: a write without one goes
    through the CSRF check like any form (and then needs a token all the same)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and not presented_token():
        csrf.protect()


@bp.route("/events/<event>/registrations", methods=["POST"])
@limited
@needs_token(TokenScope.WRITE_REGISTRATIONS)
@bp.arguments(NewRegistrationSchema)
@bp.response(202, MessageSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def register_someone(body: dict, event: str):
    """Register someone

    As with the public form: the same rules and messages, and the person is mailed the
    link that confirms it (double opt-in). Until they open it the registration holds no
    place; the answer is the same for every address.
    """
    services.register_through_api(get_event(event), body,
                                  body.get("locale") or str(get_locale()))
    return {"message": gettext("We have mailed the person a link to confirm the "
                               "registration; it holds a place once they open it.")}


@bp.route("/events/<event>/registrations/<id:registration_id>", methods=["DELETE"])
@limited
@needs_token(TokenScope.WRITE_REGISTRATIONS)
@bp.response(204)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def cancel_registration(event: str, registration_id: int):
    """Cancel a registration

    Frees its place and breakout seats (the waitlist moves up) and mails the person, as when
    they cancel on their page.
    """
    services.cancel_through_api(get_event(event, include_unpublished=True), registration_id)
