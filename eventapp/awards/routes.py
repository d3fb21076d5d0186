"""Public award pages: logos, the ballot, results with receipts, the hall of fame."""

from flask import make_response, render_template, request
from flask_login import current_user, login_required

from ..errors import DomainError
from ..events.services import get_event
from ..extensions import limiter, user_or_address
from ..forms import choices
from . import ballots, bp, polls
from .finalists import logo_of
from .forms import BallotForm, ReceiptLookupForm
from .hall_of_fame import hall_of_fame as hall_of_fame_entries


@bp.route("/finalists/<id:finalist_id>/logo.png")
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


def _ballot_page(event, poll, form, error=None, status=None):
    """The ballot, or why this person cannot vote now, with the status the refusal carries."""
    sheet = ballots.ballot_sheet(poll, current_user)
    error = error or sheet.refusal
    form.finalist.choices = choices((f.id, f.organisation) for f in sheet.choices)
    page = render_template("awards/vote.html", event=event, poll=poll, form=form,
                           error=error.message if error else None, own=sheet.own_finalist_ids,
                           voted=sheet.has_voted)
    return page, status or (error.status_code if error else 200)


@bp.route("/events/<slug>/vote", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"], key_func=user_or_address)
def vote(slug: str):
    """The ballot: choose, confirm, get the receipt. Works without JavaScript."""
    event, poll = polls.ballot_of(slug)
    form = BallotForm()
    if request.method == "GET":
        return _ballot_page(event, poll, form)
    if not form.validate_on_submit():
        return _ballot_page(event, poll, form, status=422)
    try:
        if not form.confirmed.data:
            chosen = ballots.check_vote(poll, current_user, form.finalist.data)
            return render_template("awards/confirm.html", event=event, poll=poll, form=form,
                                   chosen=chosen)
        receipt = ballots.cast_vote(poll, current_user, form.finalist.data)
    except DomainError as error:
        return _ballot_page(event, poll, form, error)
    # The receipt is shown once, right here: it is stored nowhere that links it to the voter.
    return render_template("awards/receipt.html", event=event, poll=poll, receipt=receipt)


@bp.route("/events/<slug>/results")
def results(slug: str):
    """The public result: totals, turnout and every receipt with its choice (404 before)."""
    # An archived meeting keeps its result: the hall of fame links to it for good.
    event = get_event(slug, include_archived=True)
    results = polls.public_results(event)
    lookup = ReceiptLookupForm(request.args)
    wanted = ballots.normalise_receipt(lookup.receipt.data or "")
    found = [r for r in results[0].receipts if r[0] == wanted] if wanted else []
    return render_template("awards/results.html", event=event, results=results,
                           lookup=lookup, searched=bool(lookup.receipt.data), found=found)


@bp.route("/hall-of-fame")
def hall_of_fame():
    """The winners of every year: the app's own and those from before it."""
    return render_template("awards/hall_of_fame.html", entries=hall_of_fame_entries())
