"""The managers' page of a network's webhooks: endpoints, their secrets (shown once) and
the recent deliveries with their status; and `flask webhooks deliver`."""

import time

import click
from flask import flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..networks.access import Capability, network_role_required
from ..networks.services import get_network
from . import bp, services
from .forms import KIND_LABELS, EndpointForm

webhooks_cli = AppGroup("webhooks", help="Send the queued webhook deliveries.")


def _page(network, form=None, secret: str | None = None, status: int = 200):
    return render_template("webhooks/endpoints.html", network=network,
                           form=form or EndpointForm(), secret=secret,
                           endpoints=services.endpoints_of(network),
                           deliveries=services.recent_deliveries(network),
                           kind_labels=KIND_LABELS), status


@bp.route("/organiser/networks/<network>/webhooks", methods=["GET", "POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def endpoints(network: str):
    """The network's webhook endpoints and recent deliveries; adding one shows its secret."""
    network = get_network(network)
    if request.method == "GET":
        return _page(network)
    form = EndpointForm()
    if not form.validate_on_submit():
        return _page(network, form, status=422)
    try:
        secret = services.create_endpoint(current_user, network, form.url.data,
                                          form.kinds.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _page(network, form, status=error.status_code)
    return _page(network, secret=secret)


@bp.route("/organiser/networks/<network>/webhooks/<id:endpoint_id>/delete", methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def delete_endpoint(network: str, endpoint_id: int):
    network = get_network(network)
    services.delete_endpoint(current_user, network, endpoint_id)
    flash(_("The endpoint is deleted."), "success")
    return redirect(url_for("webhooks.endpoints", network=network.slug), 303)


@bp.route("/organiser/networks/<network>/webhooks/<id:endpoint_id>/resume", methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def resume_endpoint(network: str, endpoint_id: int):
    network = get_network(network)
    services.resume_endpoint(current_user, network, endpoint_id)
    flash(_("The endpoint gets deliveries again."), "success")
    return redirect(url_for("webhooks.endpoints", network=network.slug), 303)


@webhooks_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running, looking for due deliveries every 5 s.")
def deliver_command(loop: bool) -> None:
    """Send the due webhook deliveries (failed ones again after their back-off)."""
    while True:
        sent, failed = services.deliver_due()
        if sent or failed:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            break
        time.sleep(5)
