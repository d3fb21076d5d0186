"""The rehearsal on a phone: the practice question, and the small posts that report what the
phone (or a big screen) measured. The organiser's buttons are on the live control."""

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..errors import InvalidInput
from ..events.services import get_event
from ..extensions import limiter
from . import bp, services
from .forms import AnswerForm, ReportForm
from .models import DeviceKind

# Per phone, not per address: the whole hall shares the venue's one address.
PER_DEVICE = "30 per minute"


def _device_key() -> str:
    device = request.form.get("phone", "")[:64]
    return f"rehearsal:{device}" if device else get_remote_address()


def _invalid(form) -> InvalidInput:
    """The form's first error as the answer's message."""
    return InvalidInput(next((errors[0] for errors in form.errors.values()), None))


@bp.route("/events/<slug>/rehearsal")
def phone(slug: str):
    """The practice question on a phone, with a random id for its measurements."""
    event = get_event(slug)
    rehearsal = services.current(event)
    if rehearsal is None:
        raise services.NoRehearsal()
    form = AnswerForm(phone=secrets.token_urlsafe(16))
    return render_template("rehearsal/phone.html", event=event, form=form,
                           opened=rehearsal.opened_at is not None), {"Cache-Control": "no-store"}


@bp.route("/events/<slug>/rehearsal/answer", methods=["POST"])
@limiter.limit(PER_DEVICE, key_func=_device_key)
def answer(slug: str):
    """The practice answer: kept with the phone's measurements, never as a ballot."""
    event = get_event(slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    services.record(event, form.phone.data, answer=form.answer.data)
    if request.accept_mimetypes.best == "application/json":  # the page's script: it thanks
        return "", 204
    flash(_("Thank you: this phone is ready for the vote. Nothing you answered is kept."),
          "success")
    return redirect(url_for("rehearsal.phone", slug=slug), 303)


@bp.route("/events/<slug>/rehearsal/report", methods=["POST"])
@limiter.limit(PER_DEVICE, key_func=_device_key)
def report(slug: str):
    """What a phone or screen measured so far (static/js/rehearsal.js)."""
    event = get_event(slug)
    form = ReportForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    services.record(event, form.phone.data, form.kind.data or DeviceKind.PHONE,
                    ballot_ms=form.ballot_ms.data, vote_ms=form.vote_ms.data,
                    seen=form.seen.data)
    return "", 204
