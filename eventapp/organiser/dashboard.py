"""The organiser's dashboard of an event: registrations over time, seats, check-ins, guests
and the turnout of closed polls."""


from flask import render_template
from flask_babel import to_user_timezone

from ..database import utcnow
from ..events.access import event_role_required
from ..invitations import services as invitations
from ..networks.access import Capability
from . import bp, charts, services
from .pages import event_of


@bp.route("/events/<slug>/dashboard")
@event_role_required(Capability.ORGANISE)
def dashboard(slug: str):
    """Registrations over time, seats, check-ins, waitlist and the turnout of closed polls."""
    event = event_of(slug)
    figures = services.dashboard(event)
    # The timeline runs until today, or until the meeting's day once it has begun.
    until = to_user_timezone(min(utcnow(), event.starts_at)).date()
    over_time = figures["over_time"]
    return render_template(
        "organiser/dashboard.html", event=event, checkins=figures["checkins"],
        waitlisted=figures["waitlisted"], over_time=over_time,
        timeline=charts.timeline(over_time, until) if over_time else None,
        seats=charts.labelled_bars(figures["seats"]),
        turnout=charts.turnout_bars(figures["turnout"]),
        counts=invitations.guest_counts(event))
