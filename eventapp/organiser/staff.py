"""The people of one event: co-organisers, check-in staff, presenters and jury, invited by mail
by the network's managers (the guard in routes.py asks for MANAGE_PEOPLE)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.services import get_user
from ..errors import DomainError, NotFound
from ..events.access import event_role_required
from ..networks import roles
from ..networks import services as networks
from ..networks.access import Capability
from ..networks.forms import InviteForm
from . import bp
from .pages import event_of


def _page(event, status: int = 200, form=None):
    network = networks.get_network_by_id(event.network_id)
    return render_template(
        "organiser/staff.html", event=event, network=network,
        staff=roles.staff_of(event), pending=roles.pending_invitations(network, event),
        form=form or InviteForm.for_event(locale=event.language),
        role_label=roles.role_label), status


def _run(event, action, success: str):
    try:
        action()
    except DomainError as error:
        flash(error.message, "danger")
        return _page(event, error.status_code)
    flash(success, "success")
    return redirect(url_for("organiser.staff", slug=event.slug), 303)


@bp.route("/events/<slug>/staff")
@event_role_required(Capability.MANAGE_PEOPLE)
def staff(slug: str):
    """Who holds a role in this event, and the form to invite someone."""
    return _page(event_of(slug))


@bp.route("/events/<slug>/staff", methods=["POST"])
@event_role_required(Capability.MANAGE_PEOPLE)
def invite_staff(slug: str):
    """Invite someone to a role in this event."""
    event = event_of(slug)
    form = InviteForm.for_event()
    if not form.validate_on_submit():
        return _page(event, 422, form)
    network = networks.get_network_by_id(event.network_id)
    try:
        roles.invite(current_user, network, form.email.data, form.name.data, form.role.data,
                        event=event, locale=form.locale.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _page(event, error.status_code, form)
    flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("organiser.staff", slug=slug), 303)


@bp.route("/events/<slug>/staff/<id:user_id>/revoke", methods=["POST"])
@event_role_required(Capability.MANAGE_PEOPLE)
def revoke_staff(slug: str, user_id: int):
    """Take away someone's role in this event."""
    event = event_of(slug)
    user = get_user(user_id)
    if user is None:
        raise NotFound()
    network = networks.get_network_by_id(event.network_id)
    return _run(event, lambda: roles.revoke(current_user, network, user, event=event),
                _("The role is revoked."))


@bp.route("/events/<slug>/staff/invitations/<id:invitation_id>/withdraw", methods=["POST"])
@event_role_required(Capability.MANAGE_PEOPLE)
def withdraw_staff_invitation(slug: str, invitation_id: int):
    """Withdraw an invitation to this event that has not been accepted."""
    event = event_of(slug)
    network = networks.get_network_by_id(event.network_id)
    return _run(event, lambda: roles.withdraw_invitation(current_user, network, invitation_id,
                                                            event=event),
                _("The invitation is withdrawn."))
