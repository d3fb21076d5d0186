"""The API's tokens: made and revoked by a network's managers, shown once, stored as a hash;
who presents one (Authorization: Bearer <token>), what it may do, and each use in the audit
log."""

import hashlib
import secrets
from functools import wraps

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from sqlalchemy import select, update

from ..audit.services import record
from ..auth.services import hash_token
from ..database import utcnow, write_transaction
from ..errors import InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from ..networks.models import Network
from .models import ApiToken, TokenScope

# A prefix tells a leaked token apart in logs and secret scanners.
PREFIX = "eat_"


def presented_token() -> str | None:
    """The token of the request's Authorization header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def rate_limit_key() -> str:
    """The API's rate limit counts per token; requests without one per address."""
    token = presented_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return get_remote_address()


# --- the managers' side -----------------------------------------------------------------------


def tokens_of(network: Network) -> list[ApiToken]:
    """The network's tokens, the ones in use first, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.network_id == network.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def create_token(actor, network: Network, name: str, scopes) -> str:
    """Make a token for the network; returns it as it is, the only time it is seen."""
    scopes = [TokenScope(scope) for scope in scopes]
    if not scopes:
        raise InvalidInput(_l("Choose at least one permission."))
    if not name.strip():
        raise InvalidInput(_l("Please give the token a name."))
    token = PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        made = ApiToken(network_id=network.id, name=name.strip()[:100],
                        token_hash=hash_token(token), created_by_id=actor.id,
                        scopes=" ".join(sorted(scopes)))
        db.session.add(made)
        db.session.flush()
        record(actor, "api.token_created", network=network.slug, token=made.id,
               name=made.name, scopes=made.scopes)
    return token


def revoke_token(actor, network: Network, token_id: int) -> None:
    """Revoke one of the network's tokens: from now on it opens nothing."""
    with write_transaction():
        done = db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id, ApiToken.network_id == network.id,
                                   ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise NotFound()
        record(actor, "api.token_revoked", network=network.slug, token=token_id)


# --- the API's side ---------------------------------------------------------------------------


def _token_of_request() -> ApiToken:
    token = presented_token()
    if not token or len(token) > 200:
        abort(401)
    found = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)))
    if found is None:
        abort(401)
    return found


def _network_and_event(view_args: dict) -> tuple[int | None, Event | None]:
    slug = view_args.get("event")
    if slug is not None:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            abort(404)
        return event.network_id, event
    network_id = db.session.scalar(select(Network.id).where(
        Network.slug == view_args.get("network")))
    if network_id is None:
        abort(404)
    return network_id, None


def token_required(scope: TokenScope):
    """Decorate an API route naming an event or a network: it needs a token of that network
    with `scope` (401 without a valid token, 403 with a foreign network's or without the
    scope; a draft of another network is not found). Each use is recorded in the audit log.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = _token_of_request()
            network_id, event = _network_and_event(request.view_args or {})
            if token.network_id != network_id:
                if event is not None and event.status == EventStatus.DRAFT:
                    abort(404)
                abort(403)
            if scope not in token.scope_set:
                abort(403)
            with write_transaction():
                db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                                   .values(last_used_at=utcnow())
                                   .execution_options(synchronize_session=False))
                record(token.created_by, "api.used", event.id if event else None,
                       token=token.id, name=token.name, method=request.method,
                       path=request.path)
            g.api_token = token
            # The forms the API fills in (registering) need no CSRF token: a bearer token
            # is no cookie, so no other site can send it along.
            g.csrf_valid = True
            return view(*args, **kwargs)

        wrapped.api_scope = scope
        return wrapped

    return decorator
