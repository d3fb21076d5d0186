"""The organiser's vote cards: print them, print them again, void a lost one."""

import random

import segno
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..awards import cards
from ..errors import DomainError
from ..events.access import event_role_required
from ..events.services import get_event
from ..mailing.compose import external_url
from ..networks.access import Capability
from . import bp
from .forms import PrintCardsForm, VoidCardForm

# Cards per printed A4 sheet (two columns of four, cut along the lines).
CARDS_PER_SHEET = 8


def _page(event, status=200, print_form=None, void_form=None):
    return render_template("organiser/vote_cards.html", event=event,
                           counts=cards.card_counts(event),
                           print_form=print_form or PrintCardsForm(),
                           void_form=void_form or VoidCardForm()), status


@bp.route("/events/<slug>/vote-cards")
@event_role_required(Capability.CHECKIN)
def vote_cards(slug: str):
    """How many cards there are, and the forms to print more or void one."""
    return _page(get_event(slug, include_unpublished=True))


@bp.route("/events/<slug>/vote-cards", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def print_vote_cards(slug: str):
    """Make more cards, then show them ready to print."""
    event = get_event(slug, include_unpublished=True)
    form = PrintCardsForm()
    if not form.validate_on_submit():
        return _page(event, 422, print_form=form)
    try:
        made = cards.create_cards(current_user, event, form.count.data)
    except DomainError as error:
        flash(error.message, "warning")
        return _page(event, error.status_code, print_form=form)
    return redirect(url_for("organiser.vote_cards_sheet", slug=slug, first=made[0].number,
                            last=made[-1].number), 303)


@bp.route("/events/<slug>/vote-cards/void", methods=["POST"])
@event_role_required(Capability.CHECKIN)
def void_vote_card(slug: str):
    """A card reported lost stops counting; the desk hands out a new one."""
    event = get_event(slug, include_unpublished=True)
    form = VoidCardForm()
    if not form.validate_on_submit():
        return _page(event, 422, void_form=form)
    try:
        cards.void_card(current_user, event, form.number.data)
    except DomainError as error:
        flash(error.message, "warning")
        return _page(event, error.status_code, void_form=form)
    flash(_("Card %(number)d no longer counts. Hand the person a new card.",
            number=form.number.data), "success")
    return redirect(url_for("organiser.vote_cards", slug=slug), 303)


@bp.route("/events/<slug>/vote-cards/sheet")
@event_role_required(Capability.ORGANISE)
def vote_cards_sheet(slug: str):
    """The cards numbered first to last, on A4 sheets with cut lines, for the printer."""
    event = get_event(slug, include_unpublished=True)
    numbers = cards.sheet_numbers(request.args.get("first", 1, type=int),
                                  request.args.get("last", type=int), CARDS_PER_SHEET)
    first, last = numbers.start, numbers.stop - 1
    printable = [(card, cards.code_of(card), _qr(card)) for card in
                 cards.cards_of(event, numbers) if card.voided_at is None]
    # A stack in number order, handed out from the top, would match the numbers to the order
    # of check-ins in the audit log; this order is stored nowhere.
    random.SystemRandom().shuffle(printable)
    sheets = [printable[i:i + CARDS_PER_SHEET]
              for i in range(0, len(printable), CARDS_PER_SHEET)]
    return render_template("organiser/vote_cards_sheet.html", event=event, sheets=sheets,
                           first=first, last=last)


def _qr(card) -> str:
    url = external_url("awards.scan_card", code=cards.code_of(card).replace("-", ""))
    return segno.make(url, error="m").svg_inline(scale=1, omitsize=True, dark="#000",
                                                 light="#fff")
