"""Public award pages: logos, the ballot, results with receipts, the hall of fame."""

import weakref

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import escape

from ..auth.sessions import session_user
from ..errors import DomainError, NotFound
from ..events.services import get_event
from ..extensions import failed_attempt, limiter, user_or_address
from ..forms import choices
from ..networks.access import event_capabilities
from . import bp, cards, photos, polls, receipts, voting
from . import results as public_results
from .eligibility import VoteWithCard
from .finalists import logo_of
from .forms import BallotForm, CardCodeForm, ReceiptLookupForm
from .hall_of_fame import hall_of_fame as hall_of_fame_entries
from .models import PollStatus
from .vote_limit import count_vote_post


@bp.route("/finalists/<id:finalist_id>/logo.png")
def logo(finalist_id: int):
    """A finalist's logo; cached for long, since its URL changes with every new version."""
    organiser = current_user.is_authenticated and current_user.is_organiser
    png, version = logo_of(finalist_id, include_unpublished=organiser)
    # Organisers may see drafts' logos: those must not stay in a shared cache.
    return _image_response(png, f"logo-{finalist_id}-{version}", public=not organiser)


@bp.route("/polls/options/<id:option_id>/photo.png")
def photo(option_id: int):
    """A person's photo on a people-award's ballot; before the poll opens (or its event is
    published), for the event's staff only."""
    png, version, event, public = photos.photo_of(option_id)
    if not public and not event_capabilities(current_user, event):
        raise NotFound()
    return _image_response(png, f"photo-{option_id}-{version}", public)


def _image_response(png: bytes, etag: str, public: bool):
    """An image whose address changes with every new version: cached for long, in shared
    caches only when everyone may see it."""
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age=31536000, immutable"
    response.set_etag(etag)
    return response.make_conditional(request)


def _ballot_page(event, poll, form, card, error=None, status=None):
    """The ballot, or why this person cannot vote now, with the status the refusal carries;
    a phone whose session has ended is offered the ways to the ballot again."""
    if card is None and not current_user.is_authenticated:
        return _not_signed_in(event, poll)
    sheet = voting.sheet_for(poll, card=card, person=current_user)
    error = error or sheet.refusal
    form.finalist.choices = choices((f.id, f.organisation) for f in sheet.choices)
    # While no vote is open, the ballots that may open come along, hidden (live.js).
    upcoming = voting.upcoming_sheets(polls.drafts_of(event), card=card, person=current_user) \
        if poll is None or poll.status != PollStatus.OPEN else []
    # Told to vote with their card, they get the field for its code right here.
    card_form = CardCodeForm() if isinstance(error, VoteWithCard) else None
    page = render_template("awards/vote.html", event=event, poll=poll, form=form, card=card,
                           error=error.message if error else None, own=sheet.hides_own,
                           choices=sheet.choices, voted=sheet.has_voted, upcoming=upcoming,
                           card_form=card_form)
    return page, status or (error.status_code if error else 200)


def _vote_start(event, poll, form=None, error=None, status=200):
    """For a phone that is neither signed in nor holds a card: the two ways to the ballot."""
    return render_template("awards/vote_start.html", event=event, poll=poll,
                           form=form or CardCodeForm(), error=error), status


def _not_signed_in(event, poll):
    """A phone that is neither signed in nor holds a card: the ways to the ballot, to which a
    post is sent back."""
    if request.method == "GET":
        return _vote_start(event, poll)
    return redirect(url_for("awards.vote", slug=event.slug))


@bp.route("/events/<slug>/vote", methods=["GET", "POST"])
def vote(slug: str):
    """The ballot: choose, confirm, get the receipt; with the personal link's session or with
    a vote card scanned or typed on this phone. Works without JavaScript."""
    if request.method == "POST":
        count_vote_post(cards.voter_key())  # the vote's own rate limit (vote_limit.py)
    event, poll = polls.ballot_of(slug)
    if request.method == "POST" and (poll is None or poll.status != PollStatus.OPEN):
        # A page that showed its ballot when the push said "open" may be quicker than this
        # process's cache of the ballot (BALLOT_CACHE_SECONDS).
        event, poll = polls.ballot_of(slug, fresh=True)
    card = cards.card_in_session(event)
    # A vote by link goes on whom the session claims to be, without loading the user (a
    # round trip on the hot path): the ballot's statements check the claim, and every page
    # but the receipt loads the user anyway (_ballot_page).
    person = None if card else session_user()
    if card is None and person is None:
        return _not_signed_in(event, poll)
    form = BallotForm()
    if request.method == "GET":
        return _ballot_page(event, poll, form, card)
    if not form.validate_on_submit():
        return _ballot_page(event, poll, form, card, status=422)
    try:
        outcome = voting.vote(poll, form.finalist.data, confirmed=form.confirmed.data,
                              card=card, person=person)
    except DomainError as error:
        return _ballot_page(event, poll, form, card, error)
    if outcome.receipt is None:
        return render_template("awards/confirm.html", event=event, poll=poll, form=form,
                               chosen=outcome.chosen)
    # The receipt is shown once, right here: it is stored nowhere that links it to the voter.
    return _receipt_page(event, outcome.receipt)


# The receipt page is the same for every voter of the event in a language but for the code,
# and rendering it was a sixth of a vote's CPU (bench/README.md). So each process renders it
# once per cached event (polls.ballot_of replaces it every BALLOT_CACHE_SECONDS) and language
# and puts each voter's code into the slot; the template shows nothing of the voter's.
_RECEIPT_SLOT = "\x00receipt\x00"  # NUL: no text on the page can hold it (_refuse_nul_characters)
_receipt_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _receipt_page(event, receipt: str) -> str:
    pages = _receipt_pages.setdefault(event, {})
    language = str(get_locale())
    if language not in pages:
        pages[language] = render_template("awards/receipt.html", event=event,
                                          receipt=_RECEIPT_SLOT)
    return pages[language].replace(_RECEIPT_SLOT, str(escape(receipt)))


@bp.route("/events/<slug>/vote/card", methods=["POST"])
@limiter.limit("20 per minute", key_func=user_or_address, deduct_when=failed_attempt)
def enter_card(slug: str):
    """The code of a vote card, typed on the voting page: on to the ballot with it."""
    event, poll = polls.ballot_of(slug)
    form = CardCodeForm()
    if not form.validate_on_submit():
        return _vote_start(event, poll, form, status=422)
    try:
        cards.hold_card(event, form.code.data)
    except DomainError as error:
        return _vote_start(event, poll, form, error.message, error.status_code)
    return redirect(url_for("awards.vote", slug=slug), 303)


@bp.route("/c/<code>")
@limiter.limit("20 per minute", key_func=user_or_address, deduct_when=failed_attempt)
def scan_card(code: str):
    """Where a vote card's QR code leads: straight to the ballot, no sign-in, no mail."""
    # The URL names no meeting: a refusal (a voided card) speaks the card's meeting's language.
    g.meeting_slug = cards.meeting_of_code(code)
    slug = cards.hold_card(None, code)
    return redirect(url_for("awards.vote", slug=slug))


@bp.route("/events/<slug>/results")
def results(slug: str):
    """The public result: totals, turnout and every receipt with its choice (404 before)."""
    # An archived meeting keeps its result: the hall of fame links to it for good.
    event = get_event(slug, include_archived=True)
    public = public_results.public_results(event)
    lookup = ReceiptLookupForm(request.args)
    wanted = receipts.normalise_receipt(lookup.receipt.data or "")
    # A receipt belongs to one poll of the meeting: the one whose section shows it.
    found = [(entry.poll.id, r) for entry in public for r in entry.receipts
             if r[0] == wanted] if wanted else []
    return render_template("awards/results.html", event=event, results=public,
                           lookup=lookup, searched=bool(lookup.receipt.data), found=found,
                           receipt_example=receipts.RECEIPT_EXAMPLE)


@bp.route("/hall-of-fame")
def hall_of_fame():
    """The winners of every year: the app's own and those from before it."""
    return render_template("awards/hall_of_fame.html", entries=hall_of_fame_entries())
