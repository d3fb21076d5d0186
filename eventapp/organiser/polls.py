"""The organiser's polls of an event: set up beforehand, changed or deleted while draft; the
live control opens them one at a time."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..awards import finalists as awards
from ..awards import photos, polls
from ..awards.models import PollKind
from ..errors import DomainError, InvalidInput
from ..events.access import event_role_required
from ..forms import choices, read_upload
from ..networks.access import Capability
from . import bp
from .forms import PersonPhotoForm, PollForm
from .pages import event_of, form_page, post_action


def _poll_form(event, poll=None, from_request=True) -> PollForm:
    form = PollForm(obj=poll) if from_request else PollForm(formdata=None, obj=poll)
    form.finalists.choices = choices(
        (f.id, f"{f.pitch_order}. {f.organisation}") for f in awards.finalists_of(event))
    if poll is not None and (not form.is_submitted() or not from_request):
        form.finalists.data = ([] if poll.all_finalists else
                               [o.finalist_id for o in poll.candidates if o.finalist_id])
        form.people.data = polls.people_as_lines(poll) if poll.kind == PollKind.PEOPLE else ""
    return form


def _save(event, form, poll=None):
    saved = polls.save_poll(current_user, event, poll, form.title.data, form.kind.data,
                            form.eligibility.data, form.cards_may_vote.data,
                            form.show_counts.data, form.finalists.data, form.people.data)
    if saved.kind == PollKind.PEOPLE:  # next: their photos
        return url_for("organiser.edit_poll", slug=event.slug, poll_id=saved.id) + "#photos"
    return url_for("organiser.event", slug=event.slug) + "#polls-heading"


@bp.route("/events/<slug>/polls/new", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def new_poll(slug: str):
    """Set up a poll: an award among finalists or people, or a yes/no question."""
    event = event_of(slug)
    form = _poll_form(event)
    return form_page("organiser/poll_form.html", form, lambda: _save(event, form),
                      _("The poll is set up. Open it from the live control."),
                      event=event, poll=None)


@bp.route("/events/<slug>/polls/<id:poll_id>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit_poll(slug: str, poll_id: int):
    """Change a draft poll."""
    event = event_of(slug)
    poll = polls.get_draft_poll(event, poll_id)
    form = _poll_form(event, poll)
    return form_page("organiser/poll_form.html", form, lambda: _save(event, form, poll),
                      _("The poll is saved."), event=event, poll=poll,
                      photo_forms=_photo_forms(poll))


def _photo_forms(poll, submitted=None) -> list:
    """One photo form per person of a people-award (`submitted`: the one just sent)."""
    if poll.kind != PollKind.PEOPLE:
        return []
    forms = []
    for person in poll.candidates:
        form = (submitted if submitted is not None and submitted.person is person
                else PersonPhotoForm(formdata=None, prefix=f"person-{person.id}"))
        form.person = person
        form.photo.label.text = _("Photo of %(name)s (PNG or JPEG, at most 2 MB)",
                                  name=person.name)
        forms.append(form)
    return forms


@bp.route("/events/<slug>/polls/<id:poll_id>/people/<id:option_id>/photo", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def person_photo(slug: str, poll_id: int, option_id: int):
    """Upload or remove the photo of one person on a draft people-award's ballot."""
    event = event_of(slug)
    poll = polls.get_draft_poll(event, poll_id)
    form = PersonPhotoForm(prefix=f"person-{option_id}")
    form.person = next((o for o in poll.candidates if o.id == option_id), None)
    removing = form.remove.data
    try:
        if not form.validate_on_submit():
            raise InvalidInput(next(iter(form.errors.values()))[0] if form.errors
                               else _("Please check your input."))
        photos.set_photo(current_user, poll, option_id, read_upload(form.photo.data),
                        remove=removing)
    except DomainError as error:
        flash(error.message, "danger")
        return render_template("organiser/poll_form.html", form=_poll_form(event, poll, False),
                               event=event, poll=poll,
                               photo_forms=_photo_forms(poll, form)), error.status_code
    flash(_("The photo is removed.") if removing else _("The photo is saved."), "success")
    return redirect(url_for("organiser.edit_poll", slug=slug, poll_id=poll_id) + "#photos", 303)


@bp.route("/events/<slug>/polls/<id:poll_id>/delete", methods=["POST"])
@event_role_required(Capability.DELETE)
def delete_poll(slug: str, poll_id: int):
    """Delete a draft poll."""
    poll = polls.get_poll(event_of(slug), poll_id)
    return post_action(slug, lambda _form: polls.delete_poll(current_user, poll),
                        _("The poll is deleted."))
