"""The guest list (organisers, under /organiser/events/<slug>/guests) and the guest's answer
to an invitation (anyone with its link, under /invitations/<token>)."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.sessions import start_session
from ..errors import DomainError
from ..events import services as events
from ..events.access import event_role_required
from ..events.models import EventFormat
from ..extensions import limiter
from ..forms import ActionForm
from ..networks.access import Capability
from ..registration.models import RegistrationStatus
from . import bp, services
from .forms import AcceptForm, GuestListForm, SettingsForm
from .models import CATEGORIES, category_label


# The only pages of this blueprint that are not for organisers: the invitation's link.
def _event(slug: str):
    # The organiser pages' way to load an event (organiser/routes.py), drafts included.
    return events.get_event(slug, include_unpublished=True)


@bp.app_template_filter("guest_category")
def guest_category(category):
    """A guest category in the reader's language, for badges, lists and exports."""
    return category_label(category)


# --- the organiser's guest list -----------------------------------------------------------


def _guests_page(event, status: int = 200, form=None, settings=None, problems=()):
    reserved = services.reserved_places(event)
    if settings is None:
        settings = SettingsForm(formdata=None, invitation_only=event.invitation_only,
                                **{f"reserved_{c}": reserved[c].places if c in reserved else 0
                                   for c in CATEGORIES})
    return render_template(
        "invitations/guests.html", event=event, guests=services.guests_of(event),
        counts=services.guest_counts(event), form=form or GuestListForm(),
        settings=settings, action_form=ActionForm(), problems=problems,
        category_label=category_label), status


@bp.route("/organiser/events/<slug>/guests", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def guests(slug: str):
    """The guest list with counts per category; a POST adds a typed or uploaded list."""
    event = _event(slug)
    form = GuestListForm()
    if request.method == "GET":
        return _guests_page(event)
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _guests_page(event, 422, form=form)
    upload = form.upload.data
    try:
        if upload:
            try:
                data, filename = upload.read(), upload.filename or ""
            finally:
                upload.close()
            result = services.add_guests(current_user, event, data=data, filename=filename)
        else:
            result = services.add_guests(current_user, event, text=form.guests.data or "")
    except services.GuestListInvalid as error:
        flash(error.message, "danger")
        return _guests_page(event, error.status_code, form=form, problems=error.problems)
    except DomainError as error:
        flash(error.message, "danger")
        return _guests_page(event, error.status_code, form=form)
    flash(_("%(added)d guests added, %(merged)d duplicate rows merged, %(existing)d already "
            "on the list.", added=result.added, merged=result.merged, existing=result.existing),
          "success")
    return redirect(url_for("invitations.guests", slug=slug), 303)


def _guest_action(slug: str, action, success):
    """Run a button of the guest list; a refusal shows the list with its message."""
    event = _event(slug)
    if not ActionForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _guests_page(event, 422)
    try:
        count = action(event)
    except DomainError as error:
        flash(error.message, "danger")
        return _guests_page(event, error.status_code)
    flash(success(count), "success")
    return redirect(url_for("invitations.guests", slug=slug), 303)


@bp.route("/organiser/events/<slug>/guests/send", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def send(slug: str):
    """Mail the personal invitation to every guest who has not had one."""
    return _guest_action(slug, lambda event: services.send_invitations(current_user, event),
                         lambda count: ngettext("%(num)d invitation is on its way.",
                                                "%(num)d invitations are on their way.", count))


@bp.route("/organiser/events/<slug>/guests/remind", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def remind(slug: str):
    """Remind the invited guests who have not answered."""
    return _guest_action(slug, lambda event: services.send_reminders(current_user, event),
                         lambda count: ngettext("%(num)d reminder is on its way.",
                                                "%(num)d reminders are on their way.", count))


@bp.route("/organiser/events/<slug>/guests/settings", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def settings(slug: str):
    """By invitation only or not, and the places reserved per category."""
    event = _event(slug)
    form = SettingsForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _guests_page(event, 422, settings=form)
    try:
        services.update_settings(current_user, event, invitation_only=form.invitation_only.data,
                                 reserved=form.reserved())
    except DomainError as error:
        flash(error.message, "danger")
        return _guests_page(event, error.status_code, settings=form)
    flash(_("The settings of the guest list are saved."), "success")
    return redirect(url_for("invitations.guests", slug=slug), 303)


# --- the guest's answer -------------------------------------------------------------------


def _invitation_page(token: str, form=None, status: int = 200):
    invitation = services.invitation_for(token)
    g.meeting_slug = invitation.event.slug  # the page speaks the meeting's language
    form = form or AcceptForm()
    if invitation.event.format != EventFormat.HYBRID:
        del form.attendance_mode
    return render_template(
        "invitations/invitation.html", invitation=invitation, event=invitation.event,
        token=token, form=form, decline_form=ActionForm(),
        privacy_version=current_app.config["PRIVACY_TEXT_VERSION"]), status


@bp.route("/invitations/<token>")
@limiter.limit("30 per minute")
def invitation(token: str):
    """The invitation: the event, the consent text, and the buttons to accept or decline."""
    return _invitation_page(token)


@bp.route("/invitations/<token>/accept", methods=["POST"])
@limiter.limit("30 per minute")
def accept(token: str):
    """Accept: register in one click (consent included) and sign in."""
    form = AcceptForm()
    if not form.validate_on_submit():
        return _invitation_page(token, form, 422)
    try:
        result = services.accept_invitation(
            token, attendance_mode=form.attendance_mode.data or None,
            public_listing=form.public_listing.data)
    except services.InvitationInvalid:
        raise
    except DomainError as error:
        flash(error.message, "danger")
        return _invitation_page(token, form, error.status_code)
    registration = result.registration
    if registration.user.is_organiser:  # organisers sign in with their password only
        flash(_("Your registration is saved. Please sign in with your password."), "info")
        return redirect(url_for("auth.login"), 303)
    start_session(registration.user)
    if not result.created:
        flash(_("You are registered already."), "info")
    elif registration.status == RegistrationStatus.CONFIRMED:
        flash(_("Thank you! Your registration is confirmed."), "success")
    else:
        flash(_("Thank you! The event is full, so you are on the waitlist."), "info")
    return redirect(url_for("registration.my_registration", slug=registration.event.slug), 303)


@bp.route("/invitations/<token>/decline", methods=["POST"])
@limiter.limit("30 per minute")
def decline(token: str):
    """Decline the invitation (the link can still accept it later)."""
    if not ActionForm().validate_on_submit():
        return _invitation_page(token, status=422)
    invitation = services.decline_invitation(token)
    g.meeting_slug = invitation.event.slug
    flash(_("You declined the invitation. Thank you for letting us know."), "info")
    return redirect(url_for("invitations.invitation", token=token), 303)
