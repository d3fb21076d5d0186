"""The organiser's dashboard of an event: registrations over time, seats, check-ins, guests
and the turnout of closed polls."""


from flask import render_template
from flask_babel import format_date

from ..events.access import event_role_required
from ..invitations import services as invitations
from ..networks.access import Capability
from . import bp, services
from .pages import event_of


def bar_chart(pairs: list[tuple[str, int]], maximum: int | None = None) -> list[dict]:
    """Bars for a server-side SVG chart: label, value and width in percent."""
    top = maximum or max((value for _label, value in pairs), default=0) or 1
    return [{"label": label, "value": value, "width": round(100 * value / top, 1)}
            for label, value in pairs]


@bp.route("/events/<slug>/dashboard")
@event_role_required(Capability.ORGANISE)
def dashboard(slug: str):
    """Registrations over time, seats, check-ins, waitlist and the turnout of closed polls."""
    event = event_of(slug)
    figures = services.dashboard(event)
    return render_template(
        "organiser/dashboard.html", event=event, checkins=figures["checkins"],
        waitlisted=figures["waitlisted"],
        over_time=bar_chart([(format_date(day, "short"), count)
                             for day, count in figures["over_time"]]),
        seats=bar_chart(figures["seats"], figures["capacity"]),
        turnout=bar_chart(figures["turnout"], figures["eligible"]),
        counts=invitations.guest_counts(event))
