"""The guard of every organiser route that names an event: one capability of that event.

Someone without any role in the event gets 404 (they may not even learn a draft exists);
someone with another role in it gets 403 (check-in staff on the live control).
"""

from functools import wraps

from flask import abort, request
from flask_login import current_user

from ..auth.decorators import declare, organiser_required
from ..networks.access import Capability, event_capabilities
from .services import get_event


def check_event_capability(slug: str, capability: str):
    """The event with this slug if the current user holds the capability in it; else 404/403."""
    event = get_event(slug, include_unpublished=True)
    held = event_capabilities(current_user, event)
    if not held:
        abort(404)
    if capability not in held:
        abort(403)
    return event


def event_role_required(capability: Capability):
    """Decorate a route with `<slug>` so that only holders of `capability` in it come in
    (404 without any role in the event, 403 with another)."""

    def decorator(view):
        @wraps(view)
        @organiser_required
        def wrapped(*args, **kwargs):
            check_event_capability(request.view_args["slug"], capability)
            return view(*args, **kwargs)

        return declare(wrapped, f"event:{capability}")

    return decorator
