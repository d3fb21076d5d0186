"""People's roles in a network and its events: given by invitation, given at once, revoked.

The platform admin invites a network's first manager; a manager invites network organisers
and gives people a role in one event. An invitation is a mailed link: opening it and setting
a password makes the account a staff account (auth.services) and gives the role. What a role
allows is decided in access.py.
"""

import hmac
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User
from ..auth.services import (
    ensure_staff_account,
    hash_token,
    new_token,
    normalise_email,
    set_staff_password,
)
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from ..mailing.send import ensure_deliverable
from .access import Capability, forget_capabilities, may_in_network
from .models import EventRole, EventStaff, Network, NetworkMember, NetworkRole, StaffInvitation
from .services import get_network_by_id

log = logging.getLogger(__name__)

INVITATION_DAYS = 14


class InvitationInvalid(NotFound):
    default_message = _l("This invitation is no longer valid. Ask the person who invited you "
                         "for a new one.")


# --- reading ------------------------------------------------------------------------------


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





def _check_role(role: str, event) -> None:
    if role not in (tuple(EventRole) if event is not None else tuple(NetworkRole)):
        raise InvalidInput()


def _check_may_give(actor, network: Network) -> None:
    if not may_in_network(actor, network.id, Capability.MANAGE_PEOPLE):
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
        user = ensure_staff_account(address, name, locale)
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
    with write_transaction():
        invitation = invitation_for(token)
        user = invitation.user
        set_staff_password(user, name, password)
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
    NetworkRole.MANAGER: _l("Network manager"),
    NetworkRole.ORGANISER: _l("Network organiser"),
    EventRole.CO_ORGANISER: _l("Co-organiser"),
    EventRole.CHECKIN: _l("Check-in staff"),
    EventRole.PRESENTER: _l("Presenter"),
    EventRole.JURY: _l("Jury"),
}
