"""What the organiser's pages share: loading the event of a page (drafts included), a form page
that saves and redirects, a button's action that goes back to the event's overview, and the
overview itself."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.labels import action_label
from ..audit.services import entries_for_event
from ..awards import finalists as awards
from ..awards import polls
from ..breakouts import services as breakouts
from ..errors import DomainError
from ..events import services as events
from ..events.models import EventStatus
from .audit_words import readable_details
from .forms import KIND_LABELS, ConfirmForm, StatusForm


def form_values(form, *names) -> dict:
    """The data of the named fields of a form, by name."""
    return {name: form[name].data for name in names}


def form_page(template: str, form, save, success: str, **context):
    """Show an organiser form; a valid POST runs `save`, which returns where to go next.

    A rule that says no (a domain error) shows its message and keeps everything typed.
    """
    status = 200
    if form.validate_on_submit():
        try:
            target = save()
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(success, "success")
            return redirect(target, 303)
    elif form.errors:
        status = 422
    return render_template(template, form=form, **context), status


def post_action(slug: str, action, success: str, form=None):
    """Run a button's action (publish, delete...) and go back to the event's overview.

    A refused action shows the overview with its message and the error's status code
    (422 for bad input, 409 for a conflict), so that it never looks like a success.
    """
    form = form or ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return event_page(event_of(slug), status=422)
    try:
        action(form)
    except DomainError as error:
        flash(error.message, "danger")
        return event_page(event_of(slug), status=error.status_code)
    flash(success, "success")
    return redirect(url_for("organiser.event", slug=slug), 303)


def event_of(slug: str):
    """The event of an organiser page, drafts and archived ones included (the guard has let
    the user in already)."""
    return events.get_event(slug, include_unpublished=True)


def status_form(event) -> StatusForm:
    """The status form, offering only what the user may do: archiving (and undoing it) is for
    who may delete (events.services.may_archive)."""
    form = StatusForm(formdata=None, status=event.status)
    if not events.may_archive(current_user, event):
        archived = event.status == EventStatus.ARCHIVED
        form.status.choices = [choice for choice in form.status.choices
                               if (choice.value == EventStatus.ARCHIVED) == archived]
    return form


def event_page(event, status: int = 200):
    """The event's overview for the organiser, with the status of the request that shows it."""
    return render_template(
        "organiser/event.html", event=event, seats=breakouts.seat_overview(event),
        finalists=awards.finalists_of(event), polls=polls.polls_of(event),
        audit=entries_for_event(event.id, limit=20),
        status_form=status_form(event), confirm_form=ConfirmForm(),
        kind_labels=KIND_LABELS, action_label=action_label,
        readable_details=readable_details), status
