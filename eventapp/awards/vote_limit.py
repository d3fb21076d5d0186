"""The vote's rate limit: 30 posts a minute per voter, counted in Redis like every other limit.

The vote is the one request thousands send within two minutes, and Flask-Limiter, which
keeps every other limit, works out a view's limits anew on each request (exemptions, scopes,
the limits of the blueprint and of the app): 0.25 ms of a vote's 2.5 ms, against 0.09 ms
for the counter in Redis itself (bench/README.md). So the vote counts with the library under
Flask-Limiter (`limits`), in the same store, and behaves as Flask-Limiter does when Redis
fails: the vote goes on, counted in this process's memory (one warning), and the counter
goes back to Redis after a pause.
"""

import logging
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

VOTES = parse("30 per minute")
RETRY_REDIS_SECONDS = 10.0


class VoteLimit:
    """The counters of one app: in its rate-limit store, in memory while that is down."""

    def __init__(self, app: Flask) -> None:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        options = {} if uri.startswith("memory") else app.config["RATELIMIT_STORAGE_OPTIONS"]
        self.shared = FixedWindowRateLimiter(storage_from_string(uri, **options))
        self.in_memory: FixedWindowRateLimiter | None = None  # made at the first outage
        self.shared_failed_at: float | None = None

    def allows(self, voter_key: str) -> bool:
        """Count this post of the voter's; False once they are over the limit."""
        if self.shared_failed_at is None \
                or time.monotonic() - self.shared_failed_at > RETRY_REDIS_SECONDS:
            try:
                allowed = self.shared.hit(VOTES, "vote", voter_key)
            except Exception:  # whatever the store's client raises, the vote must go on
                if self.shared_failed_at is None:
                    log.warning("The vote's rate limit store is unreachable: falling back to "
                                "in-memory storage")
                self.shared_failed_at = time.monotonic()
            else:
                if self.shared_failed_at is not None:
                    log.info("The vote's rate limits are counted in their store again")
                    self.shared_failed_at = None
                return allowed
        if self.in_memory is None:
            self.in_memory = FixedWindowRateLimiter(MemoryStorage())
        return self.in_memory.hit(VOTES, "vote", voter_key)


def init_app(app: Flask) -> None:
    app.extensions["vote_limit"] = VoteLimit(app) if app.config["RATELIMIT_ENABLED"] else None


def count_vote_post(voter_key: str) -> None:
    """Raise 429 once this voter has posted more than the limit allows."""
    limit = current_app.extensions["vote_limit"]
    if limit is not None and not limit.allows(voter_key):
        raise TooManyRequests(retry_after=VOTES.get_expiry())
