"""The speakers' public pages and photos; the organiser's list and form."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, NotFound
from ..events.access import event_role_required
from ..events.services import get_event
from ..forms import ActionForm, choices, read_upload
from ..networks.access import Capability, event_capabilities
from ..timespans import time_range
from . import bp
from . import services as speakers
from .forms import SpeakerForm


@bp.route("/events/<slug>/speakers/<id:speaker_id>")
def speaker(slug: str, speaker_id: int):
    """A speaker's page: the profile and where they speak in the agenda."""
    event = get_event(slug)
    return render_template("speakers/speaker.html", event=event,
                           speaker=speakers.get_speaker(event, speaker_id))


@bp.route("/events/<slug>/speakers/<id:speaker_id>/photo.png")
def photo(slug: str, speaker_id: int):
    """A speaker's photo: public with its published meeting, else for the meeting's staff;
    cached for long, since its address changes with every new photo."""
    event = get_event(slug, include_unpublished=True)
    speaker = speakers.get_speaker(event, speaker_id)
    public = speakers.is_public(speaker)
    if not public and not event_capabilities(current_user, event):
        raise NotFound()
    png, version = speakers.photo_of(speaker)
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age=31536000, immutable"
    response.set_etag(f"speaker-{speaker.id}-{version}")
    return response.make_conditional(request)


@bp.route("/organiser/events/<slug>/speakers")
@event_role_required(Capability.ORGANISE)
def organiser_list(slug: str):
    """The meeting's speakers, with buttons to change or delete each."""
    event = get_event(slug, include_unpublished=True)
    return render_template("speakers/organiser_list.html", event=event,
                           speakers=speakers.speakers_of(event))


@bp.route("/organiser/events/<slug>/speakers/new", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def new(slug: str):
    """Add a speaker."""
    return _speaker_form(get_event(slug, include_unpublished=True), None)


@bp.route("/organiser/events/<slug>/speakers/<id:speaker_id>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit(slug: str, speaker_id: int):
    """Change a speaker's profile, photo and agenda items."""
    event = get_event(slug, include_unpublished=True)
    return _speaker_form(event, speakers.get_speaker(event, speaker_id))


def _speaker_form(event, speaker):
    form = SpeakerForm(obj=speaker, agenda_items=[item.id for item in speaker.agenda_items]
                       if speaker else [])
    form.agenda_items.choices = choices(
        (item.id, f"{time_range(item.starts_at, item.ends_at)}: {item.title}")
        for item in event.agenda_items)
    if speaker is None or not speaker.has_photo:
        del form.remove_photo
    status = 200
    if form.validate_on_submit():
        try:
            speakers.save_speaker(
                current_user, event, speaker, agenda_item_ids=form.agenda_items.data or [],
                photo=read_upload(form.photo.data),
                remove_photo=bool(form.remove_photo and form.remove_photo.data),
                **{name: form[name].data for name in speakers.SPEAKER_FIELDS})
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(_("The speaker is saved."), "success")
            return redirect(url_for("speakers.organiser_list", slug=event.slug), 303)
    elif form.errors:
        status = 422
    return render_template("speakers/speaker_form.html", form=form, event=event,
                           speaker=speaker), status


@bp.route("/organiser/events/<slug>/speakers/<id:speaker_id>/delete", methods=["POST"])
@event_role_required(Capability.DELETE)
def delete(slug: str, speaker_id: int):
    """Remove a speaker's profile (deleting a part of a meeting, as an agenda item)."""
    event = get_event(slug, include_unpublished=True)
    speaker = speakers.get_speaker(event, speaker_id)
    if ActionForm().validate_on_submit():
        speakers.delete_speaker(current_user, speaker)
        flash(_("The speaker is deleted."), "success")
    return redirect(url_for("speakers.organiser_list", slug=slug), 303)
