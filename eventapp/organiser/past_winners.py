"""The organiser's list of past winners: awards from before the app, for the hall of fame."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import organiser_required
from ..awards import hall_of_fame
from ..errors import NotFound
from ..forms import choices
from ..networks import services as networks
from ..networks.access import Capability, may_in_network
from . import bp
from .forms import ConfirmForm, PastWinnerForm
from .pages import form_page, form_values


def _own_networks() -> list:
    """The networks whose hall of fame this person keeps (their organisers and managers)."""
    own = networks.networks_for_new_events(current_user)
    if not own:
        abort(403)
    return own


def _own_winner(winner_id: int, capability: str = Capability.ORGANISE):
    _own_networks()  # without a network of one's own, none of this is for them
    winner = hall_of_fame.get_past_winner(winner_id)
    if not may_in_network(current_user, winner.network_id, capability):
        raise NotFound()
    return winner


@bp.route("/hall-of-fame/")
@organiser_required
def past_winners():
    """The winners from before the app, to add, correct or remove."""
    return _list_page()


def _list_page(status: int = 200):
    own = _own_networks()
    return render_template(
        "organiser/past_winners.html", winners=hall_of_fame.past_winners([n.id for n in own]),
        network_names={n.id: n.name for n in own} if len(own) > 1 else {}), status


@bp.route("/hall-of-fame/new", methods=["GET", "POST"])
@organiser_required
def new_past_winner():
    """Enter a winner from before the app."""
    own = _own_networks()
    form = PastWinnerForm()
    form.network.choices = choices((network.id, network.name) for network in own)
    if len(own) == 1:
        del form.network  # one network: nothing to choose

    def save():
        network = own[0] if len(own) == 1 else next(
            (n for n in own if n.id == form.network.data), own[0])
        hall_of_fame.add_past_winner(
            current_user, network, **form_values(form, *hall_of_fame.PAST_WINNER_FIELDS))
        return url_for("organiser.past_winners")

    return form_page("organiser/past_winner_form.html", form, save,
                      _("The winner is added to the hall of fame."), event=None, winner=None)


@bp.route("/hall-of-fame/<int:winner_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_past_winner(winner_id: int):
    """Correct a past winner."""
    winner = _own_winner(winner_id)
    form = PastWinnerForm(obj=winner)
    del form.network  # a winner stays in its network's hall of fame

    def save():
        hall_of_fame.update_past_winner(
            current_user, winner, **form_values(form, *hall_of_fame.PAST_WINNER_FIELDS))
        return url_for("organiser.past_winners")

    return form_page("organiser/past_winner_form.html", form, save,
                      _("The winner is saved."), event=None, winner=winner)


@bp.route("/hall-of-fame/<int:winner_id>/delete", methods=["POST"])
@organiser_required
def delete_past_winner(winner_id: int):
    """Remove a past winner from the hall of fame."""
    winner = _own_winner(winner_id, Capability.DELETE)
    if not ConfirmForm().validate_on_submit():
        flash(_("Please check your input."), "danger")
        return _list_page(422)
    hall_of_fame.delete_past_winner(current_user, winner)
    flash(_("The winner is removed from the hall of fame."), "success")
    return redirect(url_for("organiser.past_winners"), 303)
