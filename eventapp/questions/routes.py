"""Asking and upvoting on a phone; the moderators' page; the questions on the big screen."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..awards.cards import voter_key
from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..extensions import limiter
from ..forms import ActionForm
from ..live.services import state_tag
from ..networks.access import Capability
from . import bp, services
from .forms import AskForm, MergeForm, ScreenForm, SettingsForm
from .models import MAX_QUESTION_LENGTH, STATUS_LABELS, QuestionStatus


def _list_context(event) -> dict:
    asker = services.asker_in(event, current_user)
    questions = services.public_questions(event)
    return {"event": event, "questions": questions, "asker": asker,
            "upvoted": services.upvoted_by(asker, questions), "tag": state_tag(event.slug),
            "action_form": ActionForm()}


def _ask_page(event, form: AskForm | None = None, status: int = 200):
    settings = services.settings_of(event)
    return render_template("questions/ask.html", form=form or AskForm(), settings=settings,
                           agenda=event.agenda_items, max_length=MAX_QUESTION_LENGTH,
                           **_list_context(event)), status


@bp.route("/events/<slug>/questions", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per day", methods=["POST"], key_func=voter_key)
def ask(slug: str):
    """The audience's questions on a phone: ask one, upvote the others."""
    event = get_event(slug)
    form = AskForm()
    if not form.validate_on_submit():
        return _ask_page(event, form, 422 if form.errors else 200)
    try:
        question = services.ask(event, services.asker_in(event, current_user), form.text.data,
                                form.name.data or "", form.item.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _ask_page(event, form, error.status_code)
    flash(_("Thank you: your question is shown once a moderator approved it.")
          if question.status == QuestionStatus.PENDING
          else _("Thank you: your question is shown."), "success")
    return redirect(url_for("questions.ask", slug=slug), 303)


@bp.route("/events/<slug>/questions/list")
def question_list(slug: str):
    """The list alone, which the open page fetches again when the live state changed."""
    return render_template("questions/_list.html", **_list_context(get_event(slug))), {
        "Cache-Control": "no-store"}


@bp.route("/events/<slug>/questions/<int:question_id>/upvote", methods=["POST"])
@limiter.limit("60 per minute", key_func=voter_key)
def upvote(slug: str, question_id: int):
    """Upvote a question (once per person: a second tap changes nothing)."""
    event = get_event(slug)
    if not ActionForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _ask_page(event, status=422)
    try:
        services.upvote(event, services.asker_in(event, current_user), question_id)
    except DomainError as error:
        flash(error.message, "danger")
        return _ask_page(event, status=error.status_code)
    return redirect(url_for("questions.ask", slug=slug, _anchor=f"question-{question_id}"), 303)


# --- moderation -------------------------------------------------------------------------------


# step -> its button's label and colour
STEP_BUTTONS = (("approve", _l("Approve"), "primary"), ("answer", _l("Answer now"), "primary"),
                ("answered", _l("Mark answered"), "primary"), ("hide", _l("Hide"), "danger"))


def _control_event(slug: str):
    return get_event(slug, include_unpublished=True)


def _moderation_page(event, status: int = 200):
    settings = services.settings_of(event)
    return render_template(
        "questions/moderate.html", event=event, questions=services.moderation_list(event),
        settings_form=SettingsForm(obj=settings), merge_form=MergeForm(),
        action_form=ActionForm(), agenda=event.agenda_items, tag=state_tag(event.slug),
        steps=STEP_BUTTONS, status_labels=STATUS_LABELS,
        step_statuses={step: before for step, (before, _after) in services.STEPS.items()}), status


@bp.route("/organiser/events/<slug>/questions")
@event_role_required(Capability.LIVE)
def moderate(slug: str):
    """The moderators' page: new questions first; approve, answer, hide, merge."""
    return _moderation_page(_control_event(slug))


def _done(slug: str, run, form, event):
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _moderation_page(event, 422)
    try:
        run()
    except DomainError as error:
        flash(error.message, "danger")
        return _moderation_page(event, error.status_code)
    return redirect(url_for("questions.moderate", slug=slug), 303)


@bp.route("/organiser/events/<slug>/questions/<int:question_id>/<step>", methods=["POST"])
@event_role_required(Capability.LIVE)
def moderate_step(slug: str, question_id: int, step: str):
    """Approve, answer now, mark answered or hide one question."""
    event = _control_event(slug)
    return _done(slug, lambda: services.moderate(current_user, event, question_id, step),
                 ActionForm(), event)


@bp.route("/organiser/events/<slug>/questions/<int:question_id>/merge", methods=["POST"])
@event_role_required(Capability.LIVE)
def merge(slug: str, question_id: int):
    """Merge a duplicate into another question."""
    event = _control_event(slug)
    form = MergeForm()
    return _done(slug, lambda: services.merge(current_user, event, question_id, form.into.data),
                 form, event)


@bp.route("/organiser/events/<slug>/questions/screen", methods=["POST"])
@event_role_required(Capability.LIVE)
def show_on_screen(slug: str):
    """Put the questions (of one agenda item or of the meeting) on the big screen."""
    event = _control_event(slug)
    form = ScreenForm()
    return _done(slug, lambda: services.show_on_screen(current_user, event, form.item.data),
                 form, event)


@bp.route("/organiser/events/<slug>/questions/settings", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def settings(slug: str):
    """Open or close questions, moderation, names."""
    event = _control_event(slug)
    form = SettingsForm()
    return _done(slug, lambda: services.save_settings(
        current_user, event, open=form.open.data, moderated=form.moderated.data,
        naming=form.naming.data), form, event)
