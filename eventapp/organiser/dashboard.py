"""The organiser's dashboard of an event, the audit log with filters, and copying an event."""

from collections import Counter
from datetime import timedelta

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit.models import AuditLog
from ..auth.models import User
from ..awards import voting
from ..breakouts import services as breakouts
from ..checkin.services import counts as checkin_counts
from ..extensions import db
from ..registration.services import registrations_for_event
from . import bp, services
from .forms import CopyEventForm
from .routes import _event, _form_page


def bar_chart(pairs: list[tuple[str, int]], maximum: int | None = None) -> list[dict]:
    """Bars for a server-side SVG chart: label, value and width in percent."""
    top = maximum or max((value for _label, value in pairs), default=0) or 1
    return [{"label": label, "value": value, "width": round(100 * value / top, 1)}
            for label, value in pairs]


@bp.route("/events/<slug>/dashboard")
def dashboard(slug: str):
    """Registrations over time, seats, check-ins, waitlist and the turnout of closed polls."""
    event = _event(slug)
    registrations = registrations_for_event(event)
    per_day = Counter(r.created_at.date().isoformat() for r in registrations)
    running, over_time = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append((day, running))
    seats = breakouts.seat_overview(event)
    turnout = [(poll.title, poll.votes_cast, poll.eligible_count)
               for poll in voting.polls_of(event) if poll.status in ("closed", "announced")]
    return render_template(
        "organiser/dashboard.html", event=event,
        over_time=bar_chart(over_time),
        seats=bar_chart([(s.title, s.seats_taken) for s, _waiting in seats],
                        max((s.capacity for s, _waiting in seats), default=1)),
        checkins=checkin_counts(event),
        waitlisted=sum(1 for r in registrations if r.status == "waitlisted"),
        turnout=bar_chart([(title, votes) for title, votes, _eligible in turnout],
                          max((eligible for _t, _v, eligible in turnout), default=1)))


@bp.route("/events/<slug>/audit")
def audit(slug: str):
    """The audit log of an event, filtered by kind of action and by person."""
    event = _event(slug)
    action, actor = request.args.get("action", ""), request.args.get("actor", "")
    query = select(AuditLog).where(AuditLog.event_id == event.id)
    if action:
        query = query.where(AuditLog.action.startswith(action))
    if actor.isdigit():
        query = query.where(AuditLog.actor_id == int(actor))
    entries = list(db.session.scalars(query.order_by(AuditLog.id.desc()).limit(500)))
    everyone = db.session.execute(select(AuditLog.action, AuditLog.actor_id).where(
        AuditLog.event_id == event.id)).all()
    kinds = sorted({name.split(".")[0] for name, _actor in everyone})
    actors = list(db.session.scalars(select(User).where(
        User.id.in_({actor for _name, actor in everyone if actor})).order_by(User.name)))
    return render_template("organiser/audit.html", event=event, entries=entries, kinds=kinds,
                           actors=actors, action=action, actor=actor)


@bp.route("/events/<slug>/copy", methods=["GET", "POST"])
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
