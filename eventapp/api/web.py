"""The API's pages for people: the browsable documentation, rendered from the OpenAPI
document on the server (no script, no CDN: the app's CSP allows neither), and the network
managers' tokens, and a participant's calendar feed."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..events.services import get_event
from ..networks.access import Capability, network_role_required
from ..networks.services import get_network
from ..registration.services import get_registration
from . import feeds, pages, tokens
from .forms import SCOPE_LABELS, FeedForm, TokenForm


@pages.route("/api/v1/docs")
def docs():
    """The API's documentation: every route of the OpenAPI document, its parameters and
    answers."""
    spec = current_app.extensions["eventapp_api"].spec.to_dict()
    operations = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append({"path": path, "method": method.upper(), **operation})
    return render_template("api/docs.html", spec=spec, operations=operations)


# --- the managers' tokens ---------------------------------------------------------------------


def _tokens_page(network, form=None, new_token: str | None = None, status: int = 200):
    return render_template("api/tokens.html", network=network, form=form or TokenForm(),
                           tokens=tokens.tokens_of(network), new_token=new_token,
                           scope_labels=SCOPE_LABELS), status


@pages.route("/organiser/networks/<network>/api-tokens", methods=["GET", "POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def api_tokens(network: str):
    """The network's API tokens; a new one is shown once, on the page that made it."""
    network = get_network(network)
    if request.method == "GET":
        return _tokens_page(network)
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(network, form, status=422)
    try:
        token = tokens.create_token(current_user, network, form.name.data, form.scopes.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _tokens_page(network, form, status=error.status_code)
    return _tokens_page(network, new_token=token)


@pages.route("/organiser/networks/<network>/api-tokens/<id:token_id>/revoke", methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def revoke_api_token(network: str, token_id: int):
    """Revoke a token: it opens nothing from now on."""
    network = get_network(network)
    tokens.revoke_token(current_user, network, token_id)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("api_pages.api_tokens", network=network.slug), 303)


# --- the participant's calendar feed ----------------------------------------------------------


@pages.route("/events/<slug>/me/calendar-feed", methods=["GET", "POST"])
@login_required
def calendar_feed(slug: str):
    """The secret address of one's own day for a calendar app; a new one ends the old."""
    event = get_event(slug)
    registration = get_registration(event, current_user)
    form, secret = FeedForm(), None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(422)
        secret = feeds.renew_feed(registration)
    return render_template("api/calendar_feed.html", event=event, form=form, secret=secret,
                           has_feed=secret is not None or feeds.has_feed(registration))
