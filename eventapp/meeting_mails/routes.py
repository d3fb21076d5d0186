"""Organisers write to participants; mails go into the queue and leave in batches."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..breakouts.services import seat_overview
from ..events.access import event_role_required
from ..events.services import get_event
from ..forms import ActionForm, choices
from ..mailing.queue import queue_counts
from ..networks.access import Capability
from . import bp
from . import services as meeting_mails
from .forms import MessageForm

EVERYONE = 0


@bp.route("/organiser/events/<slug>/message", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def message(slug: str):
    """Write to everyone with a place, or to the people of one breakout session."""
    event = get_event(slug, include_unpublished=True)
    form = MessageForm()
    form.audience.choices = choices(
        [(EVERYONE, _l("Everyone with a place"))]
        + [(session.id, session.title) for session, _waiting in seat_overview(event)])
    status = 200
    if form.validate_on_submit():
        count = meeting_mails.queue_message(current_user, event, form.subject.data, form.body.data,
                                    form.audience.data or None)
        flash(_("%(count)d mails are on their way.", count=count), "success")
        return redirect(url_for("meeting_mails.message", slug=slug), 303)
    if form.errors:
        status = 422
    return render_template("meeting_mails/message.html", event=event, form=form,
                           counts=queue_counts(event.id)), status


MAILS = {"vote_open": meeting_mails.queue_voting_link, "result": meeting_mails.queue_result}


@bp.route("/organiser/events/<slug>/mail/<kind>", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def send(slug: str, kind: str):
    """Mail the voting link or the result to everyone with a place (from the live control).

    A refusal (no open vote, a result not public yet) is the error page with its message
    and status (409), never a redirect that looks like success.
    """
    event = get_event(slug, include_unpublished=True)
    if kind not in MAILS or not ActionForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return redirect(url_for("live.control", slug=slug), 303)
    if kind == "vote_open":
        # One job for the mail worker, once per poll (meeting_mails.queue_voting_link).
        if meeting_mails.queue_voting_link(current_user, event):
            flash(_("The voting link goes to everyone with a place: the mail worker is on "
                    "it. Its progress is shown below."), "success")
        else:
            flash(_("The voting link of this vote is on its way already; it is mailed only "
                    "once."), "info")
        return redirect(url_for("live.control", slug=slug), 303)
    count = MAILS[kind](current_user, event)
    flash(_("%(count)d mails are on their way.", count=count), "success")
    return redirect(url_for("live.control", slug=slug), 303)
