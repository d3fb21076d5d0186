"""Networks: reading them, setting them up (name, short address, colour, logo), and the
colours a network's pages are drawn in. Its people and their roles are in roles.py."""

import logging
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit.services import record
from ..database import write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..images import reencode_logo
from .access import Capability, may_in_network
from .models import (
    DEFAULT_COLOUR,
    Network,
    NetworkMember,
)

log = logging.getLogger(__name__)

NETWORK_FIELDS = ("slug", "name", "short_name", "colour")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# What an installation's first network is called until its admin renames it.
DEFAULT_NETWORK = {"slug": "netzwerk", "name": "Clusternetzwerk"}


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
    if not may_in_network(actor, network.id, Capability.MANAGE_PEOPLE):
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
