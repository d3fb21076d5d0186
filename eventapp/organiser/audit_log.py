"""The audit log of an event, filtered by kind of action and by person."""

from flask import render_template, request

from ..audit.labels import action_label, kind_label
from ..database import MAX_ID
from ..events.access import event_role_required
from ..networks.access import Capability
from . import bp, services
from .audit_words import readable_details
from .pages import event_of


@bp.route("/events/<slug>/audit")
@event_role_required(Capability.ORGANISE)
def audit(slug: str):
    """The audit log of an event, filtered by kind of action and by person."""
    event = event_of(slug)
    action, actor = request.args.get("action", ""), request.args.get("actor", "")
    actor_id = request.args.get("actor", type=int)  # None for text that is no number
    log = services.audit_log(event, action,
                             actor_id if actor_id is not None and 0 < actor_id <= MAX_ID else None)
    return render_template("organiser/audit.html", event=event, action=action, actor=actor,
                           action_label=action_label, kind_label=kind_label,
                           readable_details=readable_details, **log)
