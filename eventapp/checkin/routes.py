"""The check-in desk (organisers, on a phone) and the participant's ticket."""

from flask import flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..awards import cards
from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..invitations.models import GuestCategory, category_label
from ..networks.access import Capability
from ..registration.models import RegistrationStatus
from ..registration.places import breakout_places
from ..registration.services import get_registration
from ..registration.tickets import ticket_svg
from . import bp, services
from .forms import CheckInForm, SearchForm, TicketForm, WalkInForm, desk_batch


def _desk(event, status=200, walk_in=None, ticket=None):
    search = SearchForm(request.args)
    found = services.search(event, search.q.data) if search.q.data else []
    return render_template("checkin/desk.html", event=event, search=search, found=found,
                           ticket_form=ticket or TicketForm(), walk_in_form=walk_in or WalkInForm(),
                           counts=services.counts(event),
                           hands_out_cards=cards.card_counts(event)["printed"] > 0), status


def _desk_showing(registration):
    # The person just checked in stays in view, so the desk hands out the vote card with one
    # click instead of searching for them again.
    return redirect(url_for("checkin.desk", slug=registration.event.slug,
                            q=registration.user.name), 303)


@bp.route("/organiser/events/<slug>/checkin")
@event_role_required(Capability.CHECKIN)
def desk(slug: str):
    """Scan tickets with the camera or find people by name."""
    return _desk(get_event(slug, include_unpublished=True))


@bp.route("/organiser/events/<slug>/checkin", methods=["POST"])
@event_role_required(Capability.CHECKIN)
def check_in(slug: str):
    """Check in by ticket code (scanned or typed) or by a registration found by name."""
    event = get_event(slug, include_unpublished=True)
    ticket, chosen = TicketForm(), CheckInForm()
    try:
        if ticket.validate_on_submit():
            registration = services.registration_of_ticket(event, ticket.ticket.data)
        elif chosen.validate_on_submit():
            registration = services.confirmed_registration(event, chosen.registration_id.data)
        else:
            flash(_("Please check your input."), "danger")
            # A ticket typed or scanned: its field says what is wrong with it.
            return _desk(event, 422, ticket=ticket if "ticket" in request.form else None)
        services.check_in(current_user, event, registration)
    except DomainError as error:
        flash(error.message, "warning")
        return _desk(event, error.status_code)
    _welcome(registration)
    return _desk_showing(registration)


def _welcome(registration) -> None:
    # The desk is where a guest of honour is recognised and greeted: their category first.
    if registration.category:
        honour = registration.category == GuestCategory.VIP
        flash(_("%(category)s: %(name)s. Welcome! Checked in.",
                category=category_label(registration.category), name=registration.user.name),
              "warning" if honour else "success")
    else:
        flash(_("Welcome, %(name)s! Checked in.", name=registration.user.name), "success")


@bp.route("/organiser/events/<slug>/checkin/card", methods=["POST"])
@event_role_required(Capability.CHECKIN)
def hand_out_card(slug: str):
    """The desk gave a checked-in person a vote card (which one is noted nowhere)."""
    event = get_event(slug, include_unpublished=True)
    chosen = CheckInForm()
    if not chosen.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _desk(event, 422)
    try:
        registration = services.confirmed_registration(event, chosen.registration_id.data)
        services.hand_out_card(current_user, event, registration)
    except DomainError as error:
        flash(error.message, "warning")
        return _desk(event, error.status_code)
    flash(_("Vote card handed to %(name)s.", name=registration.user.name), "success")
    return _desk_showing(registration)


@bp.route("/organiser/events/<slug>/checkin/walk-in", methods=["POST"])
@event_role_required(Capability.CHECKIN)
def walk_in(slug: str):
    """Register someone at the desk who had not registered, and check them in."""
    event = get_event(slug, include_unpublished=True)
    form = WalkInForm()
    if not form.validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _desk(event, 422, walk_in=form)
    try:
        registration = services.register_walk_in(
            current_user, event, name=form.name.data, email=form.email.data,
            # Their mail speaks the meeting's language, not the desk's.
            organisation=form.organisation.data or "", consent=form.consent.data,
            locale=event.language)
    except DomainError as error:
        flash(error.message, "warning")
        return _desk(event, error.status_code, walk_in=form)
    flash(_("Welcome, %(name)s! Registered and checked in.", name=registration.user.name),
          "success")
    return _desk_showing(registration)


@bp.route("/organiser/events/<slug>/checkin/counts")
@event_role_required(Capability.CHECKIN)
def counts(slug: str):
    """Checked in and confirmed, for the desk's live counter."""
    return jsonify(services.counts(get_event(slug, include_unpublished=True)))


@bp.route("/organiser/events/<slug>/checkin/people")
@event_role_required(Capability.CHECKIN)
def people(slug: str):
    """The participant list the desk keeps on the device, to go on when the network drops."""
    event = get_event(slug, include_unpublished=True)
    response = jsonify(owner=current_user.id,
                       expires=services.desk_list_expires(event).isoformat(),
                       people=services.desk_list(event))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/organiser/events/<slug>/checkin/sync", methods=["POST"])
@event_role_required(Capability.CHECKIN)
def sync(slug: str):
    """Check-ins and card hand-outs a desk queued offline (each once), and its queue's length."""
    event = get_event(slug, include_unpublished=True)
    batch = desk_batch(request.get_json(silent=True))
    if batch is None:
        return jsonify(error=_("The desk sent something unreadable. Please reload the page.")), 422
    answers = services.sync_desk(current_user, event, batch.desk, batch.waiting, batch.actions)
    return jsonify(results=answers, counts=services.counts(event))


@bp.route("/organiser/events/<slug>/checkin/desk.webmanifest")
@event_role_required(Capability.CHECKIN)
def manifest(slug: str):
    """The desk as an app to install on the phone's home screen."""
    event = get_event(slug, include_unpublished=True)
    desk_url = url_for("checkin.desk", slug=slug)
    response = jsonify(
        name=_("Check-in") + " · " + event.title, short_name=_("Check-in"),
        start_url=desk_url, scope=desk_url, display="standalone", lang=str(get_locale()),
        background_color="#ffffff", theme_color="#ffffff",
        icons=[{"src": url_for("static", filename="favicon.svg"), "sizes": "any",
                "type": "image/svg+xml"}])
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/organiser/events/<slug>/checkin/desk-worker.js")
@event_role_required(Capability.CHECKIN)
def service_worker(slug: str):
    """The desk's service worker: the page and its files from the device when offline."""
    desk_url = url_for("checkin.desk", slug=slug)
    response = make_response(render_template("checkin/desk-worker.js", desk_url=desk_url))
    response.mimetype = "text/javascript"
    # Its scope is the desk page, which lies beside the script, not below it.
    response.headers["Service-Worker-Allowed"] = desk_url
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/events/<slug>/me/ticket")
@login_required
def ticket(slug: str):
    """The participant's ticket: a QR code to show at the entrance, with the venue and the
    day, time and room of each breakout seat."""
    event = get_event(slug)
    registration = get_registration(event, current_user)
    if registration.status != RegistrationStatus.CONFIRMED:
        flash(_("Tickets are for confirmed places."), "info")
        return redirect(url_for("registration.my_registration", slug=slug), 303)
    if not registration.comes_in_person:
        flash(_("You take part online and need no ticket: follow on the stage page."), "info")
        return redirect(url_for("registration.my_registration", slug=slug), 303)
    return render_template("checkin/ticket.html", event=event, registration=registration,
                           qr_svg=ticket_svg(registration), places=breakout_places(registration))
