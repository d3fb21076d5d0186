"""Public award pages: logos, the ballot, results with receipts, the hall of fame."""

from flask import make_response, render_template, request
from flask_login import current_user, login_required

from ..errors import DomainError
from ..events.services import get_event
from ..extensions import limiter, user_or_address
from ..forms import choices
from . import bp, voting
from .forms import BallotForm, ReceiptLookupForm
from .models import POLL_ANNOUNCED, POLL_OPEN
from .services import logo_of


@bp.route("/finalists/<int:finalist_id>/logo.png")
def logo(finalist_id: int):
    """A finalist's logo; cached for long, since its URL changes with every new version."""
    organiser = current_user.is_authenticated and current_user.is_organiser
    png, version = logo_of(finalist_id, include_unpublished=organiser)
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Organisers may see drafts' logos: those must not stay in a shared cache.
    scope = "private" if organiser else "public"
    response.headers["Cache-Control"] = f"{scope}, max-age=31536000, immutable"
    response.set_etag(f"logo-{finalist_id}-{version}")
    return response.make_conditional(request)


def _ballot_page(event, poll, form, voter=None, status=200, error=None, **context):
    own = voter.own_finalist_ids if voter else frozenset()
    if poll is not None:
        form.finalist.choices = choices((f.id, f.organisation) for f in poll.candidates
                                       if f.id not in own)
    return render_template("awards/vote.html", event=event, poll=poll, form=form, error=error,
                           own=own, **context), status


@bp.route("/events/<slug>/vote", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"], key_func=user_or_address)
def vote(slug: str):
    """The ballot: choose, confirm, get the receipt. Works without JavaScript."""
    event = get_event(slug)
    poll = voting.current_poll(event)
    form = BallotForm()
    if poll is None or poll.status != POLL_OPEN:
        return _ballot_page(event, poll, form, status=200 if request.method == "GET" else 409,
                            error=voting.PollNotOpen().message if request.method == "POST"
                            else None)
    if request.method == "GET":
        voter = voting.voter_in(poll, current_user)
        try:
            voting.check_eligible(poll, voter)
        except DomainError as error:
            return _ballot_page(event, poll, form, voter, status=error.status_code,
                                error=error.message)
        return _ballot_page(event, poll, form, voter, voted=voter.has_voted)
    if not form.validate_on_submit():
        return _ballot_page(event, poll, form, voting.voter_in(poll, current_user), status=422)
    try:
        if not form.confirmed.data:
            voting.check_ballot(poll, current_user, form.finalist.data)
            chosen = next(f for f in poll.candidates if f.id == form.finalist.data)
            return render_template("awards/confirm.html", event=event, poll=poll, form=form,
                                   chosen=chosen)
        receipt = voting.cast_vote(poll, current_user, form.finalist.data)
    except DomainError as error:
        voter = voting.voter_in(poll, current_user)
        return _ballot_page(event, poll, form, voter, status=error.status_code,
                            error=error.message, voted=voter.has_voted)
    # The receipt is shown once, right here: it is stored nowhere that links it to the voter.
    return render_template("awards/receipt.html", event=event, poll=poll, receipt=receipt)


@bp.route("/events/<slug>/results")
def results(slug: str):
    """The announced result: totals, turnout and every receipt with its choice."""
    event = get_event(slug)
    polls = [p for p in voting.polls_of(event) if p.status == POLL_ANNOUNCED]
    if not polls:
        raise voting.ResultsNotAnnounced()
    lookup = ReceiptLookupForm(request.args)
    wanted = voting.normalise_receipt(lookup.receipt.data or "")
    announced = []
    for poll in reversed(polls):  # the decisive one (a run-off) first
        snapshot = voting.snapshot_of(poll)
        names = {entry["finalist_id"]: entry["organisation"] for entry in snapshot.ranking}
        receipts = voting.receipts_of(poll)
        announced.append({"poll": poll, "snapshot": snapshot, "names": names,
                          "receipts": receipts,
                          "found": [r for r in receipts if r[0] == wanted] if wanted else None})
    return render_template("awards/results.html", event=event, announced=announced,
                           lookup=lookup, searched=bool(lookup.receipt.data))


@bp.route("/hall-of-fame")
def hall_of_fame():
    """The winners of past meetings."""
    return render_template("awards/hall_of_fame.html", entries=voting.hall_of_fame())

