"""The participant's certificate, its public verification page, the organiser's mailing."""

from flask import Response, flash, redirect, render_template, url_for
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
from . import services as certificates


@bp.route("/events/<slug>/me/certificate.pdf")
@login_required
@limiter.limit("20 per minute")
def download(slug: str):
    """The signed-in participant's certificate of attendance (403 if they were not there)."""
    registration = get_registration(get_event(slug), current_user)
    pdf = certificates.pdf_for(registration)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificates.filename(registration)}"',
        "Cache-Control": "private, no-store"})


@bp.route("/certificates/<code>")
@limiter.limit("30 per minute")
def verify(code: str):
    """Public: confirms the name, the meeting and its date of a certificate's code."""
    return render_template("certificates/verify.html", verification=certificates.verify(code),
                           code=certificates.normalise_code(code))


@bp.route("/organiser/events/<slug>/certificates", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def mail_all(slug: str):
    """Mail a certificate to everyone who was there (once per meeting, through the queue)."""
    event = get_event(slug, include_unpublished=True)
    if not ActionForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return redirect(url_for("organiser.event", slug=slug), 303)
    try:
        certificates.queue_certificate_mails(current_user, event)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("organiser.event", slug=slug), 303)
    flash(_("The certificates are on their way to everyone who was there."), "success")
    return redirect(url_for("organiser.event", slug=slug), 303)
