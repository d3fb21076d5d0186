"""Answering on the phone; the organiser's word clouds, opening and closing, moderation."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..extensions import limiter
from ..forms import ActionForm
from ..networks.access import Capability
from ..registration.services import get_registration
from . import bp
from . import services as clouds
from .forms import AnswerForm, CloudForm, HideForm, StepForm


@bp.route("/events/<slug>/cloud", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def answer(slug: str):
    """The open word cloud's question and a participant's words (once, anonymously)."""
    event = get_event(slug)
    registration = get_registration(event, current_user)
    cloud = clouds.open_cloud_of(event)
    form = AnswerForm(cloud=cloud.id if cloud else None)
    status = 200
    if form.validate_on_submit():
        try:
            clouds.answer(registration, form.cloud.data, form.words())
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(_("Thank you: your words are in the cloud."), "success")
            return redirect(url_for("wordcloud.answer", slug=slug), 303)
    elif form.errors:
        flash(_("Please check your input."), "danger")
        status = 422
    answered = cloud is not None and clouds.has_answered(cloud, registration)
    return render_template("wordcloud/answer.html", event=event, cloud=cloud, form=form,
                           answered=answered), status


@bp.route("/organiser/events/<slug>/clouds", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def clouds_page(slug: str):
    """The event's word clouds and a new one."""
    event = get_event(slug, include_unpublished=True)
    form = CloudForm()
    status = 200
    if form.validate_on_submit():
        clouds.create_cloud(current_user, event, form.question.data, form.max_words.data)
        flash(_("Saved."), "success")
        return redirect(url_for("wordcloud.clouds_page", slug=slug), 303)
    if form.errors:
        status = 422
    return render_template("wordcloud/clouds.html", event=event, form=form,
                           clouds=clouds.clouds_of(event)), status


def _moderation_page(event, cloud, status: int = 200):
    return render_template(
        "wordcloud/moderate.html", event=event, cloud=cloud, answers=clouds.answers_of(cloud),
        words=clouds.drawn_words(cloud), form=ActionForm()), status


@bp.route("/organiser/events/<slug>/clouds/<int:cloud_id>")
@event_role_required(Capability.LIVE)
def moderate(slug: str, cloud_id: int):
    """A word cloud's answers, to hide what does not belong on the screen."""
    event = get_event(slug, include_unpublished=True)
    return _moderation_page(event, clouds.get_cloud(event, cloud_id))


@bp.route("/organiser/events/<slug>/clouds/<int:cloud_id>/step", methods=["POST"])
@event_role_required(Capability.LIVE)
def step(slug: str, cloud_id: int):
    """Open the word cloud for answers, or close it."""
    event = get_event(slug, include_unpublished=True)
    cloud = clouds.get_cloud(event, cloud_id)
    form = StepForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _moderation_page(event, cloud, 422)
    try:
        (clouds.open_cloud if form.step.data == "open" else clouds.close_cloud)(
            current_user, cloud)
    except DomainError as error:
        flash(error.message, "danger")
        return _moderation_page(event, cloud, error.status_code)
    return redirect(url_for("wordcloud.moderate", slug=slug, cloud_id=cloud_id), 303)


@bp.route("/organiser/events/<slug>/clouds/<int:cloud_id>/answers/<answer_id>",
          methods=["POST"])
@event_role_required(Capability.LIVE)
def hide(slug: str, cloud_id: int, answer_id: str):
    """Hide an answer from the screen, or show it again."""
    event = get_event(slug, include_unpublished=True)
    cloud = clouds.get_cloud(event, cloud_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _moderation_page(event, cloud, 422)
    clouds.set_hidden(current_user, cloud, answer_id[:32], form.hidden.data == "1")
    return redirect(url_for("wordcloud.moderate", slug=slug, cloud_id=cloud_id), 303)
