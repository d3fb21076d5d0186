"""The participant's ranking page and the organiser's allocation page."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..breakouts.services import sessions_by_slot
from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..forms import ActionForm
from ..networks.access import Capability
from ..registration.services import get_registration
from . import bp
from . import services as allocation
from .forms import RankingForm, RunForm, SettingsForm


@bp.route("/events/<slug>/me/ranking", methods=["GET", "POST"])
@login_required
def ranking(slug: str):
    """Rank the sessions of each slot (first, second, third choice)."""
    event = get_event(slug)
    registration = get_registration(event, current_user)
    form, status = RankingForm(), 200
    if form.is_submitted():
        if not form.validate():
            flash(_("Please check your input."), "danger")
            status = 422
        else:
            try:
                allocation.save_ranking(registration, form.slot_id.data, form.ranked())
            except DomainError as error:
                flash(error.message, "danger")
                status = error.status_code
            else:
                flash(_("Your ranking is saved."), "success")
                return redirect(url_for("allocation.ranking", slug=slug), 303)
    return render_template("allocation/ranking.html", event=event, registration=registration,
                           settings=allocation.settings_of(event),
                           is_open=allocation.ranking_open(event), slots=sessions_by_slot(event),
                           ranked=allocation.rankings_of(registration.id)), status


def _organiser_page(event, settings_form=None, run_form=None, preview=None, status=200):
    settings = allocation.settings_of(event)
    if settings_form is None:
        settings_form = SettingsForm(mode=settings.mode, deadline=settings.deadline)
    return render_template(
        "allocation/organiser.html", event=event, settings=settings,
        settings_form=settings_form, run_form=run_form or RunForm(),
        publish_form=ActionForm(), preview=preview or allocation.last_run(event),
        slots=sessions_by_slot(event)), status


@bp.route("/organiser/events/<slug>/allocation", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def organiser(slug: str):
    """How the meeting gives breakout seats: first come, or ranked by a deadline."""
    event = get_event(slug, include_unpublished=True)
    form = SettingsForm()
    if not form.is_submitted():
        return _organiser_page(event)
    if not form.validate():
        return _organiser_page(event, settings_form=form, status=422)
    try:
        allocation.save_settings(current_user, event, form.mode.data, form.deadline.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _organiser_page(event, settings_form=form, status=error.status_code)
    flash(_("Saved."), "success")
    return redirect(url_for("allocation.organiser", slug=slug), 303)


@bp.route("/organiser/events/<slug>/allocation/run", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def run(slug: str):
    """Run the allocation with a seed; the result is shown, nothing is published."""
    event = get_event(slug, include_unpublished=True)
    form = RunForm()
    if not form.validate_on_submit():
        return _organiser_page(event, run_form=form, status=422)
    try:
        allocation.run(current_user, event, form.seed.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _organiser_page(event, run_form=form, status=error.status_code)
    return redirect(url_for("allocation.organiser", slug=slug), 303)


@bp.route("/organiser/events/<slug>/allocation/publish", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def publish(slug: str):
    """Seat everyone as the last run decided and mail them (once)."""
    event = get_event(slug, include_unpublished=True)
    if not ActionForm().validate_on_submit():
        return _organiser_page(event, status=422)
    try:
        seats = allocation.publish(current_user, event)
    except DomainError as error:
        flash(error.message, "danger")
        return _organiser_page(event, status=error.status_code)
    flash(_("Published: %(num)d seats given; everyone is mailed their sessions.", num=seats),
          "success")
    return redirect(url_for("allocation.organiser", slug=slug), 303)
