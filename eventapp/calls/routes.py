"""The call's pages: the public application form, the jury's pages and the organiser's pages
(settings, jury, ranking and the shortlist). Every POST carries a CSRF token (Flask-WTF)."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..extensions import MAILS_TO_ONE_ADDRESS, limiter, mail_queued, mail_recipient
from ..forms import choices, read_upload
from ..networks.access import Capability
from . import bp, services
from .forms import (
    ButtonForm,
    CallForm,
    JurorForm,
    ShortlistForm,
    application_form_for,
    score_form_for,
)


def _png(data: bytes):
    response = make_response(data)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # applications are not public
    return response


# --- public: applying ---------------------------------------------------------------------


@bp.route("/events/<slug>/call", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@limiter.shared_limit(MAILS_TO_ONE_ADDRESS, scope="mail-to",
                      key_func=mail_recipient("contact_email"), methods=["POST"],
                      deduct_when=mail_queued)
def apply(slug: str):
    """The public application form; after the deadline it says so and takes nothing."""
    event = get_event(slug)
    call = services.get_call(event)
    form = application_form_for(call)
    try:
        if not form.validate_on_submit():
            services.ensure_open(call)  # a closed call says so, on GET too
            return _apply_page(event, call, form, 422 if form.errors else 200)
        services.apply(event, organisation=form.organisation.data,
                       project_title=form.project_title.data, summary=form.summary.data,
                       contact_name=form.contact_name.data,
                       contact_email=form.contact_email.data, answers=form.answers(),
                       consent=form.consent.data, logo=read_upload(form.logo.data),
                       locale=str(get_locale()))
    except DomainError as error:
        return _apply_page(event, call, form, error=error)
    return redirect(url_for("calls.applied", slug=slug), 303)


def _apply_page(event, call, form, status: int = 200, error: DomainError | None = None):
    # A closed call shows its notice instead of the form; other refusals keep what was typed.
    closed = isinstance(error, services.CallClosed | services.CallNotOpenYet)
    if error is not None and not closed:
        flash(error.message, "danger")
    return render_template("calls/apply.html", event=event, call=call, form=form,
                           closed_message=error.message if closed else None), \
        error.status_code if error is not None else status


@bp.route("/events/<slug>/call/sent")
def applied(slug: str):
    """After sending the application: thanks, and the confirmation is in the mail."""
    event = get_event(slug)
    return render_template("calls/applied.html", event=event, call=services.get_call(event))


# --- the jury -----------------------------------------------------------------------------


def _jury_event(slug: str):
    """The event, if the signed-in user may judge it (403 otherwise), and its call."""
    event = get_event(slug, include_unpublished=True)
    services.ensure_may_judge(current_user, event)
    return event, services.get_call(event)


@bp.route("/events/<slug>/jury")
@login_required
def jury(slug: str):
    """The juror's list of applications, with what they scored so far."""
    event, call = _jury_event(slug)
    return render_template("calls/jury.html", event=event, call=call,
                           applications=services.applications_of(call),
                           mine=services.own_scores(call, current_user),
                           scoring_open=services.scoring_open(call))


@bp.route("/events/<slug>/jury/<id:application_id>", methods=["GET", "POST"])
@login_required
def score(slug: str, application_id: int):
    """One application and the juror's own scores of it (editable while scoring is open)."""
    event, call = _jury_event(slug)
    application = services.get_application(call, application_id)
    form = score_form_for(call, services.own_score(application, current_user))
    status = 200
    if form.validate_on_submit():
        try:
            services.save_scores(current_user, event, application, form.points())
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(_("Your scores are saved."), "success")
            return redirect(url_for("calls.jury", slug=slug), 303)
    elif form.errors:
        status = 422
    return render_template("calls/score.html", event=event, call=call, application=application,
                           form=form, scoring_open=services.scoring_open(call)), status


@bp.route("/events/<slug>/jury/<id:application_id>/logo.png")
@login_required
def jury_logo(slug: str, application_id: int):
    """An application's logo, for the jury."""
    _event, call = _jury_event(slug)
    return _png(services.application_logo(services.get_application(call, application_id)))


# --- the organiser ------------------------------------------------------------------------


def _organiser_event(slug: str):
    return get_event(slug, include_unpublished=True)


def _call_page(event, form=None, juror_form=None, status: int = 200):
    call = services.call_of(event)
    if form is None:
        form = CallForm(formdata=None, data={
            "opens_at": call.opens_at if call else None,
            "deadline": call.deadline if call else None, "intro": call.intro if call else "",
            "questions": services.questions_text(call),
            "criteria": services.criteria_text(call)})
    return render_template("calls/organiser_call.html", event=event, call=call, form=form,
                           juror_form=juror_form or JurorForm(formdata=None),
                           button_form=ButtonForm(), jurors=services.jurors_of(event),
                           count=len(services.applications_of(call)) if call else 0), status


@bp.route("/organiser/events/<slug>/call", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def organiser_call(slug: str):
    """Open or change the event's call (dates, introduction, questions, criteria); its jury."""
    event = _organiser_event(slug)
    form = CallForm()
    if not form.validate_on_submit():
        if form.errors:
            return _call_page(event, form, status=422)
        return _call_page(event)
    try:
        services.save_call(current_user, event, opens_at=form.opens_at.data,
                           deadline=form.deadline.data, intro=form.intro.data or "",
                           questions=form.questions.data or "", criteria=form.criteria.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _call_page(event, form, status=error.status_code)
    flash(_("The call is saved."), "success")
    return redirect(url_for("calls.organiser_call", slug=slug), 303)


@bp.route("/organiser/events/<slug>/call/jury", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def add_juror(slug: str):
    """Put the owner of an existing account on the jury."""
    event = _organiser_event(slug)
    form = JurorForm()
    if not form.validate_on_submit():
        return _call_page(event, juror_form=form, status=422)
    try:
        user = services.add_juror(current_user, event, form.email.data)
    except DomainError as error:
        form.email.errors.append(error.message)
        return _call_page(event, juror_form=form, status=error.status_code)
    flash(_("%(name)s is on the jury.", name=user.name), "success")
    return redirect(url_for("calls.organiser_call", slug=slug), 303)


def _button(slug: str, action, success: str, target: str = "calls.organiser_call"):
    """Run a button's action; a refusal shows its message with the error's status code."""
    event = _organiser_event(slug)
    if not ButtonForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _call_page(event, status=422)
    try:
        action(event)
    except DomainError as error:
        flash(error.message, "danger")
        return _call_page(event, status=error.status_code)
    flash(success, "success")
    return redirect(url_for(target, slug=slug), 303)


@bp.route("/organiser/events/<slug>/call/jury/<id:user_id>/remove", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def remove_juror(slug: str, user_id: int):
    """Take someone off the jury."""
    return _button(slug, lambda event: services.remove_juror(current_user, event, user_id),
                   _("The person is no longer on the jury."))


@bp.route("/organiser/events/<slug>/call/scoring", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def close_scoring(slug: str):
    """Close scoring, or open it again."""
    def toggle(event):
        call = services.get_call(event)
        services.set_scoring_closed(current_user, call, not call.scoring_closed)

    return _button(slug, toggle, _("Scoring is changed."), "calls.applications")


def _ranking_page(event, form=None, status: int = 200):
    call = services.get_call(event)
    ranked = services.ranking(call)
    if form is None:
        form = ShortlistForm(formdata=None)
    form.application_ids.choices = choices(
        (r.application.id, r.application.organisation) for r in ranked)
    return render_template("calls/applications.html", event=event, call=call, ranked=ranked,
                           form=form, button_form=ButtonForm(),
                           jurors=services.jurors_of(event)), status


@bp.route("/organiser/events/<slug>/call/applications")
@event_role_required(Capability.ORGANISE)
def applications(slug: str):
    """Every application with its weighted average and number of scores, best first."""
    return _ranking_page(_organiser_event(slug))


@bp.route("/organiser/events/<slug>/call/finalists", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def choose_finalists(slug: str):
    """One click: the shortlist becomes finalists, and every applicant is told by mail."""
    event = _organiser_event(slug)
    call = services.get_call(event)
    form = ShortlistForm()
    form.application_ids.choices = choices(
        (a.id, a.organisation) for a in services.applications_of(call))
    if not form.validate_on_submit():
        flash(_("Please select at least one application for the shortlist."), "danger")
        return _ranking_page(event, form, 422)
    try:
        made = services.choose_finalists(current_user, call, form.application_ids.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _ranking_page(event, form, error.status_code)
    flash(_("%(num)d finalists added; every applicant is informed by mail.", num=len(made)),
          "success")
    return redirect(url_for("organiser.event", slug=slug), 303)


@bp.route("/organiser/events/<slug>/call/applications/<id:application_id>/logo.png")
@event_role_required(Capability.ORGANISE)
def organiser_logo(slug: str, application_id: int):
    """An application's logo, for organisers."""
    call = services.get_call(_organiser_event(slug))
    return _png(services.application_logo(services.get_application(call, application_id)))
