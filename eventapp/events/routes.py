"""Public pages: the list of events and an event's page."""

from flask import render_template

from . import bp
from .page_hooks import collect, event_page, index_page
from .services import get_event, published_events, registration_is_open


@bp.route("/")
def index():
    """Published events, upcoming first, and what other features add (the hall of fame)."""
    return render_template("events/index.html", events=published_events(),
                           sections=collect(index_page, None))


@bp.route("/events/<slug>/")
def show(slug: str):
    """An event: date, format, venue, agenda, and the sections of breakouts and finalists."""
    event = get_event(slug)
    return render_template("events/event.html", event=event,
                           registration_open=registration_is_open(event),
                           sections=collect(event_page, event))
