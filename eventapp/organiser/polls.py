"""The organiser's polls of an event: set up beforehand, changed or deleted while draft; the
live control opens them one at a time."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..awards import finalists as awards
from ..awards import polls
from ..awards.models import KIND_PEOPLE
from ..forms import choices
from . import bp
from .forms import PollForm
from .routes import _event, _form_page, _post_action


def _poll_form(event, poll=None) -> PollForm:
    form = PollForm(obj=poll)
    form.finalists.choices = choices(
        (f.id, f"{f.pitch_order}. {f.organisation}") for f in awards.finalists_of(event))
    if poll is not None and not form.is_submitted():
        form.finalists.data = [o.finalist_id for o in poll.candidates if o.finalist_id]
        form.people.data = polls.people_as_lines(poll) if poll.kind == KIND_PEOPLE else ""
    return form


def _save(event, form, poll=None):
    polls.save_poll(current_user, event, poll, form.title.data, form.kind.data,
                    form.eligibility.data, form.cards_may_vote.data, form.show_counts.data,
                    form.finalists.data, form.people.data)
    return url_for("organiser.event", slug=event.slug) + "#polls-heading"


@bp.route("/events/<slug>/polls/new", methods=["GET", "POST"])
def new_poll(slug: str):
    """Set up a poll: an award among finalists or people, or a yes/no question."""
    event = _event(slug)
    form = _poll_form(event)
    return _form_page("organiser/poll_form.html", form, lambda: _save(event, form),
                      _("The poll is set up. Open it from the live control."),
                      event=event, poll=None)


@bp.route("/events/<slug>/polls/<id:poll_id>/edit", methods=["GET", "POST"])
def edit_poll(slug: str, poll_id: int):
    """Change a draft poll."""
    event = _event(slug)
    poll = polls.get_draft_poll(event, poll_id)
    form = _poll_form(event, poll)
    return _form_page("organiser/poll_form.html", form, lambda: _save(event, form, poll),
                      _("The poll is saved."), event=event, poll=poll)


@bp.route("/events/<slug>/polls/<id:poll_id>/delete", methods=["POST"])
def delete_poll(slug: str, poll_id: int):
    """Delete a draft poll."""
    poll = polls.get_poll(_event(slug), poll_id)
    return _post_action(slug, lambda _form: polls.delete_poll(current_user, poll),
                        _("The poll is deleted."))
