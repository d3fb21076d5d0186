"""Who may do what: the roles of a person in a network and its events, as capabilities.

Every organiser route asks for one capability of one event (events/access.py) or network;
the answer is decided here and nowhere else.
"""

from enum import StrEnum
from functools import wraps

from flask import abort, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import declare, organiser_required
from ..extensions import db
from .models import EventRole, EventStaff, Network, NetworkMember, NetworkRole


class Capability(StrEnum):
    """What a role lets someone do in an event (or a whole network)."""

    ORGANISE = "organise"          # change the event: programme, finalists, mails, polls, exports
    DELETE = "delete"              # delete parts of it, archive and anonymise it
    CHECKIN = "checkin"            # the check-in desk and its vote cards
    PARTICIPANTS = "participants"  # the participant list
    LIVE = "live"                  # the live control of the show
    JURY = "jury"                  # judge the applications of the call for finalists (calls/)
    MANAGE_PEOPLE = "manage_people"  # give and revoke roles


# Judging is not among them: only the event's jury judges (calls/), organisers see the result.
EVERYTHING = frozenset(Capability) - {Capability.JURY}
NETWORK_ROLE_CAPABILITIES = {
    NetworkRole.MANAGER: EVERYTHING,
    NetworkRole.ORGANISER: EVERYTHING - {Capability.MANAGE_PEOPLE},
}
EVENT_ROLE_CAPABILITIES = {
    # Everything but deleting and giving roles.
    EventRole.CO_ORGANISER: EVERYTHING - {Capability.DELETE, Capability.MANAGE_PEOPLE},
    EventRole.CHECKIN: frozenset({Capability.CHECKIN, Capability.PARTICIPANTS}),
    EventRole.PRESENTER: frozenset({Capability.LIVE}),
    EventRole.JURY: frozenset({Capability.JURY}),
}


def network_role(user, network_id: int) -> str | None:
    """The user's role in the network, or None."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(NetworkMember.role).where(
        NetworkMember.network_id == network_id, NetworkMember.user_id == user.id))


def network_capabilities(user, network_id: int) -> frozenset:
    """What the user may do in every event of the network (and with the network itself)."""
    if not user.is_authenticated or not user.is_organiser:
        return frozenset()
    if user.is_platform_admin:
        return EVERYTHING
    return NETWORK_ROLE_CAPABILITIES.get(network_role(user, network_id), frozenset())


def event_role_of(user, event) -> str | None:
    """The user's own role in this event (not through the network), or None."""
    return db.session.scalar(select(EventStaff.role).where(
        EventStaff.event_id == event.id, EventStaff.user_id == user.id))


def event_capabilities(user, event) -> frozenset:
    """What the user may do in this event: through the network's role or the event's own.

    Asked several times per page (menus, buttons), so kept for the request.
    """
    if not user.is_authenticated or not user.is_organiser:
        return frozenset()
    cache = g.setdefault("event_capabilities", {}) if has_request_context() else {}
    key = (user.id, event.id)
    if key not in cache:
        capabilities = network_capabilities(user, event.network_id)
        if capabilities != EVERYTHING:  # an event role adds nothing to everything: no query
            capabilities |= EVENT_ROLE_CAPABILITIES.get(event_role_of(user, event), frozenset())
        cache[key] = capabilities
    return cache[key]


def may(user, event, capability: str) -> bool:
    """Whether the user holds this capability in the event."""
    return capability in event_capabilities(user, event)


def may_in_network(user, network_id: int, capability: str) -> bool:
    """Whether the user holds this capability for the whole network."""
    return capability in network_capabilities(user, network_id)


def forget_capabilities() -> None:
    """Forget what this request learnt: a role has just changed."""
    if has_request_context():
        g.pop("event_capabilities", None)


def network_role_required(capability: Capability | None = None, *,
                          to_change: Capability | None = None):
    """Decorate a route with `<network>`: only people with a role in that network come in
    (404 for anyone else: they need not learn it exists); to see it they need `capability`
    (None: any role), to post `to_change` if given (403 without)."""

    def decorator(view):
        @wraps(view)
        @organiser_required
        def wrapped(*args, **kwargs):
            network_id = db.session.scalar(select(Network.id).where(
                Network.slug == request.view_args["network"]))
            held = network_capabilities(current_user, network_id) if network_id else frozenset()
            if not held:
                abort(404)
            needed = to_change if to_change and request.method == "POST" else capability
            if needed is not None and needed not in held:
                abort(403)
            return view(*args, **kwargs)

        needs = f"network:{capability or 'member'}"
        return declare(wrapped, needs + (f"/{to_change}" if to_change else ""))

    return decorator
