"""Registering for an event and the participant's own registration page."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.sessions import start_session
from ..breakouts.models import ChoiceStatus
from ..breakouts.services import (
    choices_of,
    held_back,
    room_links_for,
    sessions_by_slot,
    waitlist_position,
)
from ..errors import DomainError
from ..events.page_hooks import collect, participant_page
from ..events.services import RegistrationClosed, ensure_registration_open, get_event
from ..extensions import MAILS_TO_ONE_ADDRESS, limiter, mail_queued, mail_recipient
from . import bp
from .forms import CancelForm, ChooseBreakoutForm, LeaveBreakoutForm, registration_form_for
from .models import RegistrationStatus
from .places import place_on_waitlist, public_free_places
from .services import (
    cancel,
    choose_breakout,
    confirm_registration,
    get_registration,
    leave_breakout,
    register,
    registrations_of,
)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@limiter.shared_limit(MAILS_TO_ONE_ADDRESS, scope="mail-to", key_func=mail_recipient("email"),
                      methods=["POST"], deduct_when=mail_queued)
def register_view(slug: str):
    """The registration form; a sent form waits for the link mailed to its address."""
    event = get_event(slug)
    # A slot whose seats are allocated from ranked choices is ranked on the own page later.
    offered = [(slot, sessions) for slot, sessions in sessions_by_slot(event)
               if not held_back(slot.id)]
    form = registration_form_for(event, offered, current_user)
    try:
        if not form.validate_on_submit():
            ensure_registration_open(event)  # a closed registration says so, on GET too
            return _register_page(event, form, 422 if form.errors else 200)
        register(event, **form.registration_values(), locale=str(get_locale()))
    except DomainError as error:
        return _register_page(event, form, error=error)
    return redirect(url_for("registration.check_mail", slug=slug))


def _register_page(event, form, status: int = 200, error: DomainError | None = None):
    # A closed registration shows its notice instead of the form; other refusals keep the form.
    closed = isinstance(error, RegistrationClosed)
    if error is not None and not closed:
        flash(error.message, "danger")
    return render_template("registration/register.html", event=event, form=form,
                           registration_open=not closed,
                           free_places=public_free_places(event)), \
        error.status_code if error is not None else status


@bp.route("/events/<slug>/register/done")
def check_mail(slug: str):
    """After sending the form: the same answer for every address (the rest is in the mail)."""
    return render_template("registration/check_mail.html", event=get_event(slug),
                           hours=current_app.config["PENDING_REGISTRATION_HOURS"])


@bp.route("/register/confirm/<token>")
@limiter.limit("30 per minute")
def confirm(token: str):
    """The link from the mail: register with the form it confirms, sign in, show the page."""
    result = confirm_registration(token)
    if result is None:
        flash(_("This confirmation link is no longer valid. If you have confirmed already, "
                "sign in below; otherwise please register again."), "warning")
        return redirect(url_for("auth.sign_in"), 303)
    registration = result.registration
    start_session(registration.user)
    if not result.created:
        flash(_("You are registered already."), "info")
    elif registration.status == RegistrationStatus.CONFIRMED:
        flash(_("Your registration is confirmed."), "success")
    else:
        flash(_("Your registration is confirmed. The event is full, so you are on the "
                "waitlist."), "info")
    return redirect(url_for("registration.my_registration", slug=registration.event.slug), 303)


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
                 if choice.status == ChoiceStatus.WAITLISTED}
    in_line = place_on_waitlist(registration) \
        if registration.status == RegistrationStatus.WAITLISTED else None
    slots = sessions_by_slot(event)
    return render_template("registration/me.html", event=event, registration=registration,
                           slots=slots, choices=choices, positions=positions,
                           held_back={slot.id for slot, _sessions in slots if held_back(slot.id)},
                           place_on_waitlist=in_line, rooms=room_links_for(registration.id),
                           choose_form=ChooseBreakoutForm(), leave_form=LeaveBreakoutForm(),
                           cancel_form=cancel_form,
                           sections=collect(participant_page, registration)), status


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
