"""Registering for an event and the participant's own registration page."""

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..breakouts.models import CHOICE_WAITLISTED
from ..breakouts.services import choices_of, sessions_by_slot, waitlist_position
from ..errors import DomainError
from ..events.models import FORMAT_HYBRID
from ..events.services import get_event, registration_is_open
from ..extensions import limiter
from . import bp
from .forms import CancelForm, ChooseBreakoutForm, LeaveBreakoutForm, registration_form_for
from .services import (
    cancel,
    choose_breakout,
    get_registration,
    leave_breakout,
    register,
    registrations_of,
)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def register_view(slug: str):
    """The registration form; on success the participant is told to check their mail."""
    event = get_event(slug)
    slots = sessions_by_slot(event)
    prefill = {}
    if current_user.is_authenticated:
        prefill = {"name": current_user.name, "email": current_user.email,
                   "organisation": current_user.organisation}
    form = registration_form_for(slots, hybrid=event.format == FORMAT_HYBRID, **prefill)
    is_open = registration_is_open(event)
    status = 200 if is_open else 409
    if is_open and form.validate_on_submit():
        try:
            result = register(
                event, name=form.name.data, email=form.email.data,
                organisation=form.organisation.data or "", consent=form.consent.data,
                public_listing=form.public_listing.data,
                attendance_mode=form.attendance_mode.data if "attendance_mode" in form else None,
                session_ids=form.chosen_session_ids(), locale=str(get_locale()))
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            return redirect(url_for("registration.check_mail", slug=slug,
                                    again=0 if result.created else 1))
    elif form.errors:
        status = 422
    return render_template("registration/register.html", event=event, form=form,
                           registration_open=is_open), status


@bp.route("/events/<slug>/register/done")
def check_mail(slug: str):
    """After registering: the link to sign in is in the mail."""
    return render_template("registration/check_mail.html", event=get_event(slug))


@bp.route("/me")
@login_required
def my_registrations():
    """The signed-in participant's registrations."""
    registrations = registrations_of(current_user)
    if len(registrations) == 1:
        return redirect(url_for("registration.my_registration",
                                slug=registrations[0].event.slug))
    return render_template("registration/my_registrations.html", registrations=registrations)


@bp.route("/events/<slug>/me")
@login_required
def my_registration(slug: str):
    """The participant's registration: status, breakouts to change, online link, cancel."""
    event = get_event(slug)
    return _render_my_registration(event, get_registration(event, current_user))


def _render_my_registration(event, registration, status: int = 200, submitted=None):
    # A refused cancel form comes back with its error, shown next to the checkbox.
    cancel_form = submitted if isinstance(submitted, CancelForm) else CancelForm()
    choices = choices_of(registration.id)
    positions = {slot_id: waitlist_position(choice) for slot_id, choice in choices.items()
                 if choice.status == CHOICE_WAITLISTED}
    return render_template("registration/me.html", event=event, registration=registration,
                           slots=sessions_by_slot(event), choices=choices, positions=positions,
                           choose_form=ChooseBreakoutForm(), leave_form=LeaveBreakoutForm(),
                           cancel_form=cancel_form), status


def _registration_action(slug: str, form, action, success_message: str):
    """Run a small form of the participant's page; errors re-render the page with a 4xx."""
    event = get_event(slug)
    registration = get_registration(event, current_user)
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _render_my_registration(event, registration, 422, submitted=form)
    try:
        action(registration, form)
    except DomainError as error:
        flash(error.message, "danger")
        return _render_my_registration(event, registration, error.status_code)
    flash(success_message, "success")
    return redirect(url_for("registration.my_registration", slug=slug), 303)


@bp.route("/events/<slug>/me/breakouts", methods=["POST"])
@login_required
def choose(slug: str):
    """Choose (or change) the breakout session of a slot."""
    return _registration_action(
        slug, ChooseBreakoutForm(),
        lambda registration, form: choose_breakout(registration, form.session_id.data),
        _("Your breakout choice is saved."))


@bp.route("/events/<slug>/me/breakouts/leave", methods=["POST"])
@login_required
def leave(slug: str):
    """Give up the seat in a slot."""
    return _registration_action(
        slug, LeaveBreakoutForm(),
        lambda registration, form: leave_breakout(registration, form.slot_id.data),
        _("You left the session."))


@bp.route("/events/<slug>/me/cancel", methods=["POST"])
@login_required
def cancel_view(slug: str):
    """Cancel the registration (after ticking the confirmation box)."""
    return _registration_action(
        slug, CancelForm(), lambda registration, form: cancel(registration),
        _("Your registration is cancelled. You can register again as long as "
          "registration is open."))
