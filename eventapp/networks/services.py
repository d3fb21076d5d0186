"""Networks and their people: set up, branding, roles given by invitation, revoked.

The platform admin creates networks and invites their first manager; a manager invites
network organisers and gives people a role in one event. An invitation is a mailed link:
opening it and setting a password creates or attaches the account and gives the role.
"""

import hmac
import logging
import re
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from ..audit.services import record
from ..auth.models import ROLE_ORGANISER, User
from ..auth.services import (
    MIN_PASSWORD_LENGTH,
    find_user_by_email,
    hash_token,
    new_token,
    normalise_email,
)
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from ..mailing.send import ensure_deliverable
from .access import MANAGE_PEOPLE, forget_capabilities, may_in_network
from .models import (
    DEFAULT_COLOUR,
    EVENT_ROLES,
    NETWORK_MANAGER,
    NETWORK_ROLES,
    EventStaff,
    Network,
    NetworkMember,
    StaffInvitation,
)

log = logging.getLogger(__name__)

NETWORK_FIELDS = ("slug", "name", "short_name", "colour")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
INVITATION_DAYS = 14
# What an installation's first network is called until its admin renames it.
DEFAULT_NETWORK = {"slug": "netzwerk", "name": "Clusternetzwerk"}


class InvitationInvalid(NotFound):
    default_message = _l("This invitation is no longer valid. Ask the person who invited you "
                         "for a new one.")


# --- reading ------------------------------------------------------------------------------


def all_networks() -> list[Network]:
    """Every network, by name."""
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def get_network(slug: str) -> Network:
    """The network with this slug, or 404."""
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound()
    return network


def get_network_by_id(network_id: int) -> Network:
    """The network with this id, or 404."""
    network = db.session.get(Network, network_id)
    if network is None:
        raise NotFound()
    return network


def only_network() -> bool:
    """Whether the installation has a single network (then it looks like a single-tenant app)."""
    return db.session.scalar(select(func.count()).select_from(Network)) <= 1


def default_network() -> Network:
    """The network for an event made without naming one: the first, created when none exists."""
    network = db.session.scalar(select(Network).order_by(Network.id).limit(1))
    if network is None:
        with write_transaction():
            network = Network(**DEFAULT_NETWORK)
            db.session.add(network)
    return network


def networks_of(user) -> list[Network]:
    """The networks the user works in: all for the platform admin, else those with a role."""
    if user.is_platform_admin:
        return all_networks()
    ids = select(NetworkMember.network_id).where(NetworkMember.user_id == user.id)
    return list(db.session.scalars(select(Network).where(Network.id.in_(ids))
                                   .order_by(Network.name)))


def networks_for_new_events(user) -> list[Network]:
    """The networks in which the user may create events (admin, manager, organiser); a new
    installation's admin gets its first network here."""
    own = networks_of(user)
    if not own and user.is_platform_admin:
        own = [default_network()]
    return own


def members_of(network: Network) -> list[NetworkMember]:
    """The network's people with their roles, by name."""
    return list(db.session.scalars(
        select(NetworkMember).join(User, User.id == NetworkMember.user_id)
        .where(NetworkMember.network_id == network.id).order_by(User.name)))


def staff_of(event) -> list[EventStaff]:
    """The people with a role in this one event, by name."""
    return list(db.session.scalars(
        select(EventStaff).join(User, User.id == EventStaff.user_id)
        .where(EventStaff.event_id == event.id).order_by(User.name)))


def event_ids_with_role(user) -> list[int]:
    """The events in which the user holds a role of their own (not through the network)."""
    return list(db.session.scalars(select(EventStaff.event_id)
                                   .where(EventStaff.user_id == user.id)))


def roles_of(user) -> list[dict]:
    """The user's roles, as plain data (for their data download)."""
    network_roles = db.session.execute(
        select(Network.name, NetworkMember.role)
        .join(Network, Network.id == NetworkMember.network_id)
        .where(NetworkMember.user_id == user.id)).all()
    event_roles = db.session.execute(
        select(EventStaff.event_id, EventStaff.role).where(EventStaff.user_id == user.id)).all()
    return [{"network": name, "role": role} for name, role in network_roles] + [
        {"event_id": event_id, "role": role} for event_id, role in event_roles]


def pending_invitations(network: Network, event=None) -> list[StaffInvitation]:
    """Invitations not yet accepted and not expired, for the network or for one event."""
    query = select(StaffInvitation).where(
        StaffInvitation.network_id == network.id, StaffInvitation.accepted_at.is_(None),
        StaffInvitation.expires_at > utcnow())
    query = query.where(StaffInvitation.event_id == event.id) if event is not None \
        else query.where(StaffInvitation.event_id.is_(None))
    return list(db.session.scalars(query.order_by(StaffInvitation.created_at)))


def logo_of(network: Network) -> bytes:
    """The network's logo (PNG), or 404."""
    if not network.has_logo:
        raise NotFound()
    return network.logo_png


# --- setting up ---------------------------------------------------------------------------


def _validated(values: dict, network: Network | None) -> dict:
    values = {key: (values.get(key) or "").strip() for key in NETWORK_FIELDS}
    values["slug"] = values["slug"].lower()
    if not SLUG_PATTERN.match(values["slug"]):
        raise InvalidInput(_l("The short address may contain lower-case letters, digits and "
                              "hyphens only."))
    if not values["name"]:
        raise InvalidInput(_l("Please give the network's name."))
    values["colour"] = (values["colour"] or DEFAULT_COLOUR).lower()
    if not COLOUR_PATTERN.match(values["colour"]):
        raise InvalidInput(_l("The colour must be given as #rrggbb."))
    if contrast_with_white(values["colour"]) < 4.5:
        raise InvalidInput(_l("White text is hard to read on this colour: please choose a "
                              "darker one (contrast at least 4.5 : 1)."))
    taken = db.session.scalar(select(Network.id).where(Network.slug == values["slug"]))
    if taken is not None and (network is None or taken != network.id):
        raise Conflict(_l("Another network already has this short address."))
    return values


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on the colour (#rrggbb)."""
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def rgb(colour: str) -> str:
    """'#0b5d7a' → '11, 93, 122' (Bootstrap's *-rgb variables)."""
    return ", ".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))


def darker(colour: str) -> str:
    """The colour at two thirds of its brightness: hover and pressed buttons."""
    return "#" + "".join(f"{int(colour[i:i + 2], 16) * 2 // 3:02x}" for i in (1, 3, 5))


def _checked_logo(logo: bytes | None) -> bytes | None:
    # Imported here: the awards package sits above networks; logos.py is a leaf helper of it.
    from ..awards.logos import reencode_logo

    return None if not logo else reencode_logo(logo, current_app.config["LOGO_MAX_BYTES"])


def create_network(actor, logo: bytes | None = None, **values) -> Network:
    """A new network (platform admin only)."""
    if not actor.is_platform_admin:
        raise Forbidden()
    values = _validated(values, None)
    png = _checked_logo(logo)
    with write_transaction():
        network = Network(**values)
        _set_logo(network, png)
        db.session.add(network)
        db.session.flush()
        record(actor, "network.created", network=network.slug)
    return network


def update_network(actor, network: Network, logo: bytes | None = None,
                   remove_logo: bool = False, **values) -> Network:
    """Change a network's name, address, colour or logo (its managers and the admin)."""
    if not may_in_network(actor, network.id, MANAGE_PEOPLE):
        raise Forbidden()
    values = _validated(values, network)
    png = _checked_logo(logo)
    with write_transaction():
        for key, value in values.items():
            setattr(network, key, value)
        if png is not None or remove_logo:
            _set_logo(network, png)
        record(actor, "network.updated", network=network.slug)
    return network


def _set_logo(network: Network, png: bytes | None) -> None:
    network.logo_png = png
    network.has_logo = png is not None
    network.logo_version = (network.logo_version or 0) + 1


# --- roles --------------------------------------------------------------------------------


def _check_role(role: str, event) -> None:
    if role not in (EVENT_ROLES if event is not None else NETWORK_ROLES):
        raise InvalidInput()


def _check_may_give(actor, network: Network) -> None:
    if not may_in_network(actor, network.id, MANAGE_PEOPLE):
        raise Forbidden()


def invite(actor, network: Network, email: str, name: str, role: str, event=None,
           locale: str = "de") -> StaffInvitation:
    """Mail someone an invitation to a role in the network, or in one of its events.

    An unknown address gets an account at once (without a password, so it cannot sign in
    before the invitation is accepted); an earlier open invitation for the same place ends.
    """
    _check_may_give(actor, network)
    _check_role(role, event)
    if event is not None and event.network_id != network.id:
        raise NotFound()
    address = normalise_email(email)
    ensure_deliverable(address)
    token, token_hash = new_token()
    with write_transaction():
        user = find_user_by_email(address)
        if user is None:
            user = User(email=address, name=name.strip() or address.split("@")[0], locale=locale)
            db.session.add(user)
            db.session.flush()
        _end_open_invitations(user, network, event)
        invitation = StaffInvitation(
            token_hash=token_hash, user_id=user.id, network_id=network.id,
            event_id=event.id if event is not None else None, role=role,
            invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
        db.session.add(invitation)
        db.session.flush()
        queue_mail("staff_invitation", user, _l("Your invitation to %(network)s",
                                                network=network.label),
                   "staff_invitation", event=event, locale=locale, network=network, inviter=actor,
                   role_label=role_label(role), days=INVITATION_DAYS,
                   link=external_url("networks.accept_invitation", token=token))
        record(actor, "staff.invited", event.id if event is not None else None,
               network=network.slug, email=address, role=role)
    return invitation


def _end_open_invitations(user: User, network: Network, event) -> None:
    query = delete(StaffInvitation).where(
        StaffInvitation.user_id == user.id, StaffInvitation.network_id == network.id,
        StaffInvitation.accepted_at.is_(None))
    query = query.where(StaffInvitation.event_id == event.id) if event is not None \
        else query.where(StaffInvitation.event_id.is_(None))
    db.session.execute(query.execution_options(synchronize_session=False))


def invitation_for(token: str) -> StaffInvitation:
    """The open invitation this token opens, or InvitationInvalid."""
    if not token or len(token) > 100:
        raise InvitationInvalid()
    token_hash = hash_token(token)
    invitation = db.session.scalar(select(StaffInvitation)
                                   .where(StaffInvitation.token_hash == token_hash))
    if invitation is None or not hmac.compare_digest(invitation.token_hash, token_hash) \
            or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        raise InvitationInvalid()
    return invitation


def accept_invitation(token: str, name: str, password: str) -> User:
    """Accept: the account gets its name, a password and the role; the link is spent."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_l("The password needs at least %(count)d characters.",
                              count=MIN_PASSWORD_LENGTH))
    with write_transaction():
        invitation = invitation_for(token)
        user = invitation.user
        if name.strip():
            user.name = name.strip()
        user.role = ROLE_ORGANISER
        user.password_hash = generate_password_hash(password)
        user.session_generation += 1  # a new password ends the sessions of the old one
        user.sign_in_token_hash = None  # staff sign in with the password, not with links
        _give_role(user, invitation.role, invitation.network_id, invitation.event_id)
        invitation.accepted_at = utcnow()
        record(user, "staff.joined", invitation.event_id,
               network=invitation.network.slug, role=invitation.role)
    forget_capabilities()
    return user


def _give_role(user: User, role: str, network_id: int, event_id: int | None) -> None:
    """The role in the event if one is named, else in the network (replacing another)."""
    model, where = (EventStaff, {"event_id": event_id}) if event_id is not None \
        else (NetworkMember, {"network_id": network_id})
    existing = db.session.get(model, {**where, "user_id": user.id})
    if existing is not None:
        existing.role = role
    else:
        db.session.add(model(**where, user_id=user.id, role=role))
    try:
        db.session.flush()
    except IntegrityError as error:  # the same invitation accepted twice at once
        raise InvitationInvalid() from error


def set_event_role(event, user: User, role: str) -> None:
    """Give the user this role in the event (replacing another); joins the caller's
    transaction. For the event's own pages that pick people directly (the call's jury)."""
    _give_role(user, role, event.network_id, event.id)
    forget_capabilities()


def remove_event_role(event, user_id: int, role: str) -> bool:
    """Take this role in the event from the user; whether they held it. Joins the caller's
    transaction."""
    removed = db.session.execute(delete(EventStaff).where(
        EventStaff.event_id == event.id, EventStaff.user_id == user_id, EventStaff.role == role))
    forget_capabilities()
    return removed.rowcount > 0


def give_network_role(actor, network: Network, user: User, role: str) -> None:
    """Give an existing password account a network role at once (the CLI, the demo)."""
    if actor is not None:
        _check_may_give(actor, network)
    _check_role(role, None)
    with write_transaction():
        _give_role(user, role, network.id, None)
        record(actor, "staff.role_given", network=network.slug, email=user.email, role=role)
    forget_capabilities()


def give_event_role(actor, event, user: User, role: str) -> None:
    """Give an existing password account a role in one event at once (the demo, tests)."""
    if actor is not None:
        _check_may_give(actor, get_network_by_id(event.network_id))
    _check_role(role, event)
    with write_transaction():
        _give_role(user, role, event.network_id, event.id)
        record(actor, "staff.role_given", event.id, email=user.email, role=role)
    forget_capabilities()


def revoke(actor, network: Network, user: User, event=None) -> None:
    """Take away someone's role in the network (or in one event) and their open invitation."""
    _check_may_give(actor, network)
    if event is not None and event.network_id != network.id:
        raise NotFound()
    if user.id == actor.id and event is None and not actor.is_platform_admin:
        raise Conflict(_l("You cannot take away your own role in the network."))
    with write_transaction():
        if event is not None:
            db.session.execute(delete(EventStaff).where(
                EventStaff.event_id == event.id, EventStaff.user_id == user.id))
        else:
            db.session.execute(delete(NetworkMember).where(
                NetworkMember.network_id == network.id, NetworkMember.user_id == user.id))
        _end_open_invitations(user, network, event)
        record(actor, "staff.revoked", event.id if event is not None else None,
               network=network.slug, email=user.email)
    forget_capabilities()
    log.info("role of user %s in network %s revoked", user.id, network.id)


def withdraw_invitation(actor, network: Network, invitation_id: int, event=None) -> None:
    """Withdraw an invitation that has not been accepted (to the network, or to one event)."""
    _check_may_give(actor, network)
    with write_transaction():
        invitation = db.session.get(StaffInvitation, invitation_id)
        if invitation is None or invitation.network_id != network.id \
                or invitation.event_id != (event.id if event is not None else None) \
                or invitation.accepted_at is not None:
            raise NotFound()
        db.session.delete(invitation)
        record(actor, "staff.invitation_withdrawn", invitation.event_id,
               network=network.slug, role=invitation.role)


def role_label(role: str):
    """The role's name for people."""
    return ROLE_LABELS[role]


ROLE_LABELS = {
    NETWORK_MANAGER: _l("Network manager"),
    "organiser": _l("Network organiser"),
    "co_organiser": _l("Co-organiser"),
    "checkin": _l("Check-in staff"),
    "presenter": _l("Presenter"),
    "jury": _l("Jury"),
}
