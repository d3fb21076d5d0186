"""The organiser's dashboard of an event, the audit log with filters, and copying an event."""

from datetime import timedelta

from flask import render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.labels import action_label, kind_label
from ..database import MAX_ID
from ..events.access import event_role_required
from ..invitations import services as invitations
from ..networks.access import Capability
from . import bp, services
from .forms import CopyEventForm
from .routes import _event, _form_page


def bar_chart(pairs: list[tuple[str, int]], maximum: int | None = None) -> list[dict]:
    """Bars for a server-side SVG chart: label, value and width in percent."""
    top = maximum or max((value for _label, value in pairs), default=0) or 1
    return [{"label": label, "value": value, "width": round(100 * value / top, 1)}
            for label, value in pairs]


@bp.route("/events/<slug>/dashboard")
@event_role_required(Capability.ORGANISE)
def dashboard(slug: str):
    """Registrations over time, seats, check-ins, waitlist and the turnout of closed polls."""
    event = _event(slug)
    figures = services.dashboard(event)
    return render_template(
        "organiser/dashboard.html", event=event, checkins=figures["checkins"],
        waitlisted=figures["waitlisted"],
        over_time=bar_chart([(format_date(day, "short"), count)
                             for day, count in figures["over_time"]]),
        seats=bar_chart(figures["seats"], figures["capacity"]),
        turnout=bar_chart(figures["turnout"], figures["eligible"]),
        counts=invitations.guest_counts(event))


@bp.route("/events/<slug>/audit")
@event_role_required(Capability.ORGANISE)
def audit(slug: str):
    """The audit log of an event, filtered by kind of action and by person."""
    event = _event(slug)
    action, actor = request.args.get("action", ""), request.args.get("actor", "")
    actor_id = request.args.get("actor", type=int)  # None for text that is no number
    log = services.audit_log(event, action,
                             actor_id if actor_id is not None and 0 < actor_id <= MAX_ID else None)
    return render_template("organiser/audit.html", event=event, action=action, actor=actor,
                           action_label=action_label, kind_label=kind_label, **log)


@bp.route("/events/<slug>/copy", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def copy_event(slug: str):
    """A new meeting from this one: agenda, breakouts and settings, no people or votes."""
    source = _event(slug)
    form = CopyEventForm(title=source.title, starts_at=source.starts_at + timedelta(days=364))

    def copy():
        event = services.copy_meeting(current_user, source, form.title.data, form.slug.data,
                                      form.starts_at.data)
        return url_for("organiser.event", slug=event.slug)

    return _form_page("organiser/copy.html", form, copy, _("The new meeting is a draft copy."),
                      event=source)
