"""The list of participants, one's own line, requests and answers; the organiser's topics."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, InvalidInput
from ..events.access import event_role_required
from ..events.services import get_event
from ..extensions import limiter
from ..forms import ActionForm, LocalDateTimeField, choices
from ..networks.access import Capability
from ..registration.services import get_registration
from . import bp
from . import services as matchmaking
from .forms import AnswerForm, ProfileForm, RequestForm, TopicsForm


def _mine(slug: str):
    event = get_event(slug)
    return event, get_registration(event, current_user)


@bp.route("/events/<slug>/people")
@login_required
def people(slug: str):
    """The others who opted in (search and topic in the query string), and one's requests."""
    event, registration = _mine(slug)
    if matchmaking.profile_of(registration) is None:
        return redirect(url_for("matchmaking.profile", slug=slug))
    return _people_page(event, registration)


def _people_page(event, registration, status: int = 200):
    query, topic = request.args.get("q", "")[:100], request.args.get("topic", "")[:80]
    requests = matchmaking.requests_of(registration)
    return render_template(
        "matchmaking/people.html", event=event, registration=registration, query=query,
        topic=topic, topics=matchmaking.topics_of(event),
        people=matchmaking.directory(registration, query, topic),
        requests=requests, meetings=matchmaking.accepted_meetings(registration, requests),
        meeting_span=[LocalDateTimeField.local_value(moment)
                      for moment in (event.starts_at, event.ends_at)]), status


@bp.route("/events/<slug>/people/profile", methods=["GET", "POST"])
@login_required
def profile(slug: str):
    """Opt in to the list (or change one's line and topics)."""
    event, registration = _mine(slug)
    mine = matchmaking.profile_of(registration)
    form = ProfileForm(obj=mine)
    form.topics.choices = choices((topic, topic) for topic in matchmaking.topics_of(event))
    status = 200
    if form.validate_on_submit():
        try:
            matchmaking.opt_in(registration, form.offers.data.strip(),
                               form.looks_for.data.strip(), form.topics.data or [])
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(_("You are on the list."), "success")
            return redirect(url_for("matchmaking.people", slug=slug), 303)
    elif form.errors:
        status = 422
    return render_template("matchmaking/profile.html", event=event, form=form, mine=mine,
                           leave_form=ActionForm()), status


@bp.route("/events/<slug>/people/leave", methods=["POST"])
@login_required
def leave(slug: str):
    """Opt out: off the list at once."""
    _event, registration = _mine(slug)
    if ActionForm().validate_on_submit():
        matchmaking.opt_out(registration)
        flash(_("You are no longer on the list."), "success")
    return redirect(url_for("registration.my_registration", slug=slug), 303)


@bp.route("/events/<slug>/people/<int:registration_id>/request", methods=["POST"])
@login_required
@limiter.limit("5 per minute;30 per day", methods=["POST"])
def ask(slug: str, registration_id: int):
    """Ask another participant for a meeting (rate-limited against spam)."""
    event, registration = _mine(slug)
    form = RequestForm()
    if not form.validate_on_submit():
        flash(form.meets_at.errors[0] if form.meets_at.errors
              else _("Please write a short message."), "danger")
        return _people_page(event, registration, 422)
    try:
        matchmaking.request_meeting(registration, registration_id, form.message.data.strip(),
                                    form.meets_at.data)
    except InvalidInput as error:
        flash(error.message, "danger")
        return _people_page(event, registration, 422)
    flash(_("Your request is sent."), "success")
    return redirect(url_for("matchmaking.people", slug=slug), 303)


@bp.route("/events/<slug>/people/requests/<int:request_id>", methods=["POST"])
@login_required
def answer(slug: str, request_id: int):
    """Accept or decline a request made to oneself."""
    event, registration = _mine(slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _people_page(event, registration, 422)
    matchmaking.answer(registration, request_id, form.answer.data == "accept")
    flash(_("Your answer is sent."), "success")
    return redirect(url_for("matchmaking.people", slug=slug), 303)


@bp.route("/organiser/events/<slug>/topics", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def topics(slug: str):
    """The topics participants choose from on the list."""
    event = get_event(slug, include_unpublished=True)
    form = TopicsForm(topics="\n".join(matchmaking.topics_of(event)))
    status = 200
    if form.validate_on_submit():
        try:
            matchmaking.save_topics(current_user, event, form.topics.data)
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("organiser.event", slug=slug), 303)
    elif form.errors:
        status = 422
    return render_template("organiser/_form_page.html", form=form, event=event,
                           heading=_("Topics for meeting each other")), status
