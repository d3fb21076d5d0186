"""The organiser's survey with its results and export, the presenters' ratings, and the
participant's answer through the mailed single-use link."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, Forbidden
from ..events.access import event_role_required
from ..events.services import get_event
from ..extensions import limiter
from ..forms import ActionForm
from ..networks.access import Capability
from ..speakers import services as speakers
from . import bp
from . import services as feedback
from .forms import SurveyForm, answer_form


def _event(slug: str):
    return get_event(slug, include_unpublished=True, include_archived=True)


@bp.route("/organiser/events/<slug>/feedback", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def survey(slug: str):
    """Set up the survey; once answered, its averages, distributions and open answers."""
    event = _event(slug)
    current = feedback.survey_of(event)
    form = SurveyForm(obj=current)
    status = 200
    if form.validate_on_submit():
        feedback.save_survey(current_user, event, form.question_1.data, form.question_2.data,
                             form.days_open.data, form.presenters_see_ratings.data)
        flash(_("Saved."), "success")
        return redirect(url_for("feedback.survey", slug=slug), 303)
    if form.errors:
        status = 422
    ratings, open_answers = feedback.results(event)
    return render_template("feedback/survey.html", event=event, survey=current, form=form,
                           ratings=ratings, open_answers=open_answers,
                           speaker_links=feedback.speaker_links(event),
                           action_form=ActionForm()), status


@bp.route("/organiser/events/<slug>/feedback/send", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def send(slug: str):
    """Mail the survey to everyone who was there (once, after the meeting)."""
    event = _event(slug)
    if not ActionForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return redirect(url_for("feedback.survey", slug=slug), 303)
    try:
        feedback.send_survey(current_user, event)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("feedback.survey", slug=slug), 303)
    flash(_("The survey is on its way to everyone who was there."), "success")
    return redirect(url_for("feedback.survey", slug=slug), 303)


@bp.route("/organiser/events/<slug>/feedback.csv")
@event_role_required(Capability.ORGANISE)
def export(slug: str):
    """The ratings per item as CSV."""
    event = _event(slug)
    return Response(feedback.export_csv(current_user, event),
                    content_type="text/csv; charset=utf-8", headers={
                        "Content-Disposition": f"attachment; filename=feedback-{slug}.csv",
                        "Cache-Control": "private, no-store"})


@bp.route("/organiser/events/<slug>/feedback/ratings")
@event_role_required(Capability.LIVE)
def ratings(slug: str):
    """The ratings of the agenda items for the presenters, if the organiser allows it."""
    event = _event(slug)
    survey = feedback.survey_of(event)
    if survey is None or not survey.presenters_see_ratings:
        raise Forbidden(_("The organisers have not shared the ratings."))
    return render_template("feedback/ratings.html", event=event,
                           ratings=feedback.results(event)[0])


@bp.route("/events/<slug>/feedback/speakers/<int:speaker_id>/<token>")
@limiter.limit("30 per minute")
def speaker_ratings(slug: str, speaker_id: int, token: str):
    """A speaker's own items' ratings, behind the secret link the organiser gave them."""
    event = get_event(slug, include_unpublished=True)
    speaker = speakers.get_speaker(event, speaker_id)
    return render_template("feedback/ratings.html", event=event, speaker=speaker,
                           ratings=feedback.speaker_ratings(event, speaker, token))


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def answer(token: str):
    """The survey behind a mailed single-use link; answering spends the link."""
    event, survey = feedback.survey_for(token)
    items = feedback.rated_items(event)
    form = answer_form(items, survey.question_1, survey.question_2)
    status = 200
    if form.validate_on_submit():
        feedback.answer(token, form.meeting.data,
                        {key: form[f"rate_{key}"].data for key, _label in items},
                        form.answer_1.data or "", form.answer_2.data or "")
        return render_template("feedback/thanks.html", event=event)
    if form.errors:
        flash(_("Please check your input."), "danger")
        status = 422
    return render_template("feedback/answer.html", event=event, form=form, items=items,
                           survey=survey), status
