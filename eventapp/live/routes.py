"""Big screen, the JSON state it polls, and the organiser's live control."""

from datetime import datetime

import segno
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..awards import polls, tally
from ..awards.finalists import finalists_of
from ..awards.models import PollKind, PollStatus
from ..breakouts.services import room_links_for
from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..forms import ActionForm, choices
from ..mailing.compose import external_url
from ..mailing.jobs import job_progress
from ..networks.access import Capability
from ..registration.attendance import waiting_at_desks
from ..rehearsal import services as rehearsals
from ..security_headers import allow_frames_from
from ..timespans import local_day, time_range
from ..wordcloud import services as clouds
from . import bp, online, services
from .forms import AgendaForm, OpenVoteForm, PitchForm, PollForm, WordCloudForm
from .models import ScreenMode
from .state_cache import POLLED_ENDPOINTS, state_headers, state_tags


@bp.route("/live/<slug>/state")
def state(slug: str):
    """The public live state as JSON with its tag as ETag.

    A request whose If-None-Match still matches never gets here: `state_cache.py` answers
    it with a 304 before Flask.
    """
    return _polled_answer(slug, services.public_state)


@bp.route("/live/<slug>/show")
def show(slug: str):
    """What the phones of a hall on the ballot page follow: the state without the turnout,
    whose tag stays the same while the votes come in (304s, answered before Flask)."""
    return _polled_answer(slug, services.public_show)


def _polled_answer(slug: str, content_of):
    cached = state_tags().get(slug)
    if cached is None:
        abort(404)
    tag = POLLED_ENDPOINTS[request.endpoint](cached)
    response = jsonify(tag=tag, **content_of(get_event(slug)))
    response.headers.update(state_headers(tag))
    return response


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=1, omitsize=True, dark="#000",
                                                 light="#fff")


def _stage_context(event, online: bool = False) -> dict:
    """What the big screen shows; `online`: for the stage page, with a button to the ballot
    where the screen shows its QR code."""
    live = services.public_state(event)
    # A rehearsal's QR code leads to its practice question, in the same size and place.
    vote_url = external_url("rehearsal.phone" if live["mode"] == ScreenMode.REHEARSAL
                            else "awards.vote", slug=event.slug)
    qr = None if online else _qr(vote_url)
    cloud_url = external_url("wordcloud.answer", slug=event.slug)
    return {"event": event, "live": live, "agenda_when": _agenda_when(event, live["agenda"]),
            "cloud_qr_svg": _qr(cloud_url) if live["cloud"] and not online else None,
            "cloud_short_url": cloud_url.split("://", 1)[-1],
            "candidates": services.ballot_on_screen(event),
            "next_poll": services.poll_to_come(event) if live["mode"] == ScreenMode.WELCOME
            else None,
            "tag": services.state_tag(event.slug), "online": online,
            "vote_url": vote_url, "short_url": vote_url.split("://", 1)[-1], "qr_svg": qr}


def _agenda_when(event, agenda: dict | None) -> str:
    """When the item on the screen takes place; with its day when the meeting has several."""
    if agenda is None:
        return ""
    several_days = local_day(event.starts_at) != local_day(event.ends_at)
    return time_range(datetime.fromisoformat(agenda["starts_at"]),
                      datetime.fromisoformat(agenda["ends_at"]), with_date=several_days)


@bp.route("/screen/<slug>")
def screen(slug: str):
    """The big screen (16:9, full screen), driven by the organiser's live control."""
    return render_template("live/screen.html", **_stage_context(get_event(slug)))


@bp.route("/screen/<slug>/stage")
def stage(slug: str):
    """The screen's content alone, fetched by the screen (and the stage page, `?online=1`)
    when the show changes."""
    online_viewer = request.args.get("online") == "1"
    return render_template("live/_stage.html", **_stage_context(get_event(slug), online_viewer))


@bp.route("/events/<slug>/stage")
@login_required
def stage_page(slug: str):
    """The meeting online: its stream beside what the big screen shows, for participants;
    opening it during the meeting makes them present."""
    event = get_event(slug)
    registration = online.enter_stage(current_user, event)
    stream = online.stream_of(event)
    if stream and stream.frame_origin:
        allow_frames_from(stream.frame_origin)
    rooms = room_links_for(registration.id) if registration else []
    return render_template("live/stage_page.html", stream=stream, rooms=rooms,
                           **_stage_context(event, online=True))


@bp.route("/events/<slug>/stage/rooms")
@login_required
def stage_rooms(slug: str):
    """The stage page's box of open breakout rooms, which the open page fetches again
    (static/js/live.js): a room's link appears from 15 minutes before its slot."""
    rooms = online.stage_rooms(current_user, get_event(slug))
    return render_template("breakouts/_room_links.html", rooms=rooms), {
        "Cache-Control": "no-store"}


# --- organiser control --------------------------------------------------------------------


def _control_event(slug: str):
    return get_event(slug, include_unpublished=True)


@bp.route("/organiser/events/<slug>/live")
@event_role_required(Capability.LIVE)
def control(slug: str):
    """The organiser's remote for the show, usable from a phone."""
    return _control_page(_control_event(slug))


def _control_page(event, status: int = 200):
    poll = polls.poll_in_hand(event)
    # Results before they are public: here, for organisers, and nowhere else.
    standings = tally.tally(poll) if poll and poll.status in (
        PollStatus.CLOSED, PollStatus.ANNOUNCED, PollStatus.REVEALED) else []
    question = poll is not None and poll.kind == PollKind.QUESTION
    if question:  # its answers with their shares, no places and no run-off
        standings = tally.in_ballot_order(poll, standings)
    agenda_form, pitch_form, cloud_form = AgendaForm(), PitchForm(), WordCloudForm()
    word_clouds = clouds.clouds_of(event)
    cloud_form.cloud.choices = choices((cloud.id, cloud.question) for cloud in word_clouds)
    agenda_form.item.choices = choices((item.id, item.title) for item in event.agenda_items)
    pitch_form.finalist.choices = choices((f.id, f.organisation) for f in finalists_of(event))
    open_form = OpenVoteForm(title=poll.title if poll else _("ClusterERFOLG %(year)s",
                                                             year=event.year))
    # The QR code on the screen leads there: phones in the room cannot open a loopback.
    vote_url = external_url("awards.vote", slug=event.slug)
    return render_template(
        "live/control.html", event=event, poll=poll, all_polls=polls.polls_of(event),
        live=services.public_state(event),
        standings=standings, tied=[] if question else tally.tied_at_top(standings),
        cast=sum(standing.votes for standing in standings),
        agenda_form=agenda_form, pitch_form=pitch_form, cloud_form=cloud_form,
        word_clouds=word_clouds,
        open_form=open_form,
        action_form=ActionForm(), tag=services.state_tag(event.slug),
        rehearsal=rehearsals.summary(event),
        voting_mail=job_progress("vote_open", poll.id) if poll else None,
        waiting=waiting_at_desks(event.id),
        loopback_url=vote_url if services.is_loopback_url(vote_url) else None), status


# action name -> (its form, what it does)
ACTIONS = {
    "welcome": (ActionForm, lambda event, form: services.show_welcome(current_user, event)),
    "agenda": (AgendaForm, lambda event, form: services.show_agenda_item(
        current_user, event, form.item.data)),
    "pitch": (PitchForm, lambda event, form: services.start_pitch(
        current_user, event, form.finalist.data)),
    "wordcloud": (WordCloudForm, lambda event, form: services.show_word_cloud(
        current_user, event, form.cloud.data)),
    "open": (OpenVoteForm, lambda event, form: services.open_vote(
        current_user, event, form.title.data, form.eligibility.data,
        form.cards_may_vote.data, poll_id=form.poll.data)),
    "show_poll": (PollForm, lambda event, form: services.show_poll(
        current_user, event, form.poll.data)),
    "close": (ActionForm, lambda event, form: services.close_vote(current_user, event)),
    "runoff": (ActionForm, lambda event, form: services.start_runoff(current_user, event)),
    "announce": (ActionForm, lambda event, form: services.announce(current_user, event)),
    "reveal": (ActionForm, lambda event, form: services.reveal_next(current_user, event)),
    "publish": (ActionForm, lambda event, form: services.publish_results(current_user, event)),
    "rehearsal": (ActionForm, lambda event, form: services.start_rehearsal(current_user, event)),
    "rehearsal_open": (ActionForm, lambda event, form: services.open_rehearsal_question(
        current_user, event)),
    "rehearsal_end": (ActionForm, lambda event, form: services.end_rehearsal(current_user, event)),
}


@bp.route("/organiser/events/<slug>/live/<action>", methods=["POST"])
@event_role_required(Capability.LIVE)
def control_action(slug: str, action: str):
    """One button of the remote; always back to the control page."""
    if action not in ACTIONS:
        abort(404)
    event = _control_event(slug)
    form_class, run = ACTIONS[action]
    form = form_class()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _control_page(event, 422)
    try:
        run(event, form)
    except DomainError as error:
        flash(error.message, "danger")
        return _control_page(event, error.status_code)
    return redirect(url_for("live.control", slug=slug), 303)
