"""The API's tokens: who presents one (Authorization: Bearer <token>)."""

import hashlib

from flask import request
from flask_limiter.util import get_remote_address


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
