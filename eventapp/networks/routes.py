"""Network pages: its colours and logo; for staff, the network's settings and people,
invitations and accepting one. Who may do what is decided in access.py. (The network's public
page composes meetings and the hall of fame, so it is the site's: site/routes.py.)"""

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import organiser_required
from ..auth.services import get_user
from ..auth.sessions import start_session
from ..errors import DomainError, NotFound
from ..extensions import failed_attempt, limiter
from ..forms import read_upload
from . import bp, roles, services
from .access import Capability, may, network_capabilities, network_role_required
from .forms import AcceptInvitationForm, InviteForm, NetworkForm
from .models import DEFAULT_COLOUR

# --- public -------------------------------------------------------------------------------


@bp.route("/networks/<network>/theme.css")
def theme(network: str):
    """The network's colour as CSS variables; cached for long, its URL names the colour."""
    network = services.get_network(network)
    css = render_template("networks/theme.css", colour=network.colour,
                          dark=services.darker(network.colour),
                          rgb=services.rgb(network.colour))
    response = make_response(css)
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.route("/networks/<network>/logo.png")
def logo(network: str):
    """The network's logo; cached for long, since its URL changes with every new version."""
    network = services.get_network(network)
    response = make_response(services.logo_of(network))
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.app_context_processor
def template_helpers():
    """`brand_of(event)`: the network whose colour a page shows, if it has its own;
    `single_network()`: whether network names are worth showing at all; `can(event, what)`:
    whether the current user may (to show only the buttons that will work)."""
    def brand_of(event=None, network=None):
        network = network or (event.network if event is not None else None)
        if network is None or network.colour == DEFAULT_COLOUR:
            return None  # the app's own look: one network looks exactly like a single app
        return network

    def single_network() -> bool:
        if "single_network" not in g:
            g.single_network = services.only_network()
        return g.single_network

    def can(event, capability: str) -> bool:
        return may(current_user, event, capability)

    return {"brand_of": brand_of, "single_network": single_network, "can": can}


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", deduct_when=failed_attempt)
def accept_invitation(token: str):
    """Accept an invitation to a role: name and password, then signed in."""
    try:
        invitation = roles.invitation_for(token)
    except NotFound as error:
        g.wrong_link = True
        flash(error.message, "warning")
        return render_template("networks/invitation_invalid.html"), 404
    form = AcceptInvitationForm(name=invitation.user.name)
    status = 200
    if form.validate_on_submit():
        try:
            user = roles.accept_invitation(token, form.name.data, form.password.data)
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            start_session(user)
            flash(_("Welcome! You can now sign in with your email address and password."),
                  "success")
            return redirect(url_for("organiser.index"), 303)
    elif form.errors:
        status = 422
    return render_template("networks/accept.html", form=form, invitation=invitation,
                           role=roles.role_label(invitation.role)), status


# --- for staff ----------------------------------------------------------------------------


@bp.route("/organiser/networks/", methods=["GET", "POST"])
@organiser_required
def networks():
    """The networks this person works in; the platform admin creates new ones here."""
    form = NetworkForm(colour=DEFAULT_COLOUR) if current_user.is_platform_admin else None
    status = 200
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                network = services.create_network(
                    current_user, logo=read_upload(form.logo.data),
                    **{name: form[name].data for name in services.NETWORK_FIELDS})
            except DomainError as error:
                flash(error.message, "danger")
                status = error.status_code
            else:
                flash(_("The network is created. Invite its first manager now."), "success")
                return redirect(url_for("networks.settings", network=network.slug), 303)
        else:
            status = 422
    return render_template("networks/list.html", networks=services.networks_of(current_user),
                           form=form), status


def _settings_page(network, status=200, form=None, invite_form=None):
    manages = Capability.MANAGE_PEOPLE in network_capabilities(current_user, network.id)
    return render_template(
        "networks/settings.html", network=network, manages=manages,
        form=form or NetworkForm(obj=network), invite_form=invite_form or InviteForm.for_network(),
        members=roles.members_of(network), pending=roles.pending_invitations(network),
        role_label=roles.role_label), status


@bp.route("/organiser/networks/<network>/", methods=["GET", "POST"])
@network_role_required(to_change=Capability.MANAGE_PEOPLE)
def settings(network: str):
    """A network's name, colour and logo, and its people (managers change them)."""
    network = services.get_network(network)
    if request.method == "GET":
        return _settings_page(network)
    form = NetworkForm()
    if not form.validate_on_submit():
        return _settings_page(network, 422, form=form)
    try:
        services.update_network(current_user, network, logo=read_upload(form.logo.data),
                                remove_logo=form.remove_logo.data,
                                **{name: form[name].data for name in services.NETWORK_FIELDS})
    except DomainError as error:
        flash(error.message, "danger")
        return _settings_page(network, error.status_code, form=form)
    flash(_("The network is saved."), "success")
    return redirect(url_for("networks.settings", network=network.slug), 303)


@bp.route("/organiser/networks/<network>/invite", methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def invite(network: str):
    """Invite someone as manager or organiser of the network."""
    network = services.get_network(network)
    form = InviteForm.for_network()
    if not form.validate_on_submit():
        return _settings_page(network, 422, invite_form=form)
    try:
        roles.invite(current_user, network, form.email.data, form.name.data, form.role.data,
                        locale=form.locale.data)
    except DomainError as error:
        flash(error.message, "danger")
        return _settings_page(network, error.status_code, invite_form=form)
    flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("networks.settings", network=network.slug), 303)


@bp.route("/organiser/networks/<network>/members/<id:user_id>/revoke", methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def revoke(network: str, user_id: int):
    """Take away someone's role in the network (the form's CSRF token is checked app-wide)."""
    network = services.get_network(network)
    return _action(network, lambda: roles.revoke(current_user, network, _user(user_id)),
                   _("The role is revoked."))


@bp.route("/organiser/networks/<network>/invitations/<id:invitation_id>/withdraw",
          methods=["POST"])
@network_role_required(Capability.MANAGE_PEOPLE)
def withdraw(network: str, invitation_id: int):
    """Withdraw an invitation that has not been accepted."""
    network = services.get_network(network)
    return _action(network, lambda: roles.withdraw_invitation(current_user, network,
                                                                 invitation_id),
                   _("The invitation is withdrawn."))


def _user(user_id: int):
    user = get_user(user_id)
    if user is None:
        raise NotFound()
    return user


def _action(network, action, success: str):
    """Run a button's action; a refusal shows the page with its message and status code."""
    try:
        action()
    except DomainError as error:
        flash(error.message, "danger")
        return _settings_page(network, error.status_code)
    flash(success, "success")
    return redirect(url_for("networks.settings", network=network.slug), 303)
