"""Role checks for routes, and how a route says what it needs.

Every route that needs more than a visitor says so where it is declared, with one of three
decorators: `organiser_required` here (a staff account: pages about no one event or network),
`networks.access.network_role_required` (a role in the network of `<network>`) and
`events.access.event_role_required` (a capability in the event of `<slug>`). Each leaves its
requirement on the view (`requirement_of`), which the route × role matrix of the tests reads:
a staff route that says nothing fails it.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

STAFF = "staff"


def requirement_of(view) -> str | None:
    """What a view declared it needs ("staff", "event:<capability>", "network:<capability>")."""
    return getattr(view, "requirement", None)


def declare(view, requirement: str):
    """Mark the guarded view with its requirement (for the matrix, and for readers)."""
    view.requirement = requirement
    return view


def organiser_required(view):
    """Anonymous users go to the sign-in page; signed-in participants get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return declare(wrapped, STAFF)
