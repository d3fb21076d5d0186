"""The live state's tag, cached per process and bounded, and the 304 answered before Flask.

Every screen asks `GET /live/<slug>/state` every few seconds with the tag it has, every
phone on the ballot page `GET /live/<slug>/show` (the same without the turnout, whose tag
stays the same while the votes come in); nearly always nothing has changed. Two pieces keep
that cheap:

- a `TimedCache` (caching.py) keeps the tag of each published event for
  `LIVE_STATE_CACHE_SECONDS`, so a process asks the database at most once per that time and
  event, however many phones poll. It keeps at most `LIVE_STATE_CACHE_SIZE` slugs and none
  that is not a published event, so made-up URLs cost a query each but no memory.
- `NotModifiedShortcut`, a WSGI middleware in front of Flask, answers a matching
  If-None-Match from that cache with a 304, skipping Flask's stack (session, rate limiter,
  security headers), which costs more than the empty answer. It recognises the URL with
  the app's own URL map, so the route in routes.py stays its one definition; everything
  else, every 200 of the state included, goes through Flask.

A change of the show reaches the phones at most `LIVE_STATE_CACHE_SECONDS` later, on every
app server alike.
"""

import time

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_etags, quote_etag

from ..caching import TimedCache
from ..faults import is_transient
from .services import show_tag, state_tag

# The polled endpoints and how each derives its tag from the cached state tag.
POLLED_ENDPOINTS = {"live.state": lambda tag: tag, "live.show": show_tag}


def state_headers(tag: str) -> list[tuple[str, str]]:
    """The headers of every answer of the state, 200 or 304: its tag and the server's clock."""
    # Screens correct their clock with X-Server-Time, so every countdown shows the same second.
    return [("ETag", quote_etag(tag)), ("Cache-Control", "no-cache"),
            ("X-Server-Time", str(int(time.time() * 1000)))]


def state_tags() -> TimedCache[str]:
    """This app's cache of state tags."""
    return current_app.extensions["live_state_tags"]


class NotModifiedShortcut:
    """WSGI middleware: a 304 for a state request whose If-None-Match matches the cached tag."""

    def __init__(self, app: Flask, tags: TimedCache[str]):
        self.app, self.tags, self.wsgi_app = app, tags, app.wsgi_app
        # Bound once: matching then costs a few microseconds. No host matching is in use.
        self.urls = app.url_map.bind("localhost")

    def __call__(self, environ, start_response):
        endpoint, slug = self._polled(environ) if environ.get("HTTP_IF_NONE_MATCH") \
            else (None, None)
        if slug is not None:
            tag = self.tags.fresh(slug)
            if tag is None:
                tag = self._load(slug)
            if tag is not None:
                tag = POLLED_ENDPOINTS[endpoint](tag)
                if parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains(tag):
                    start_response("304 Not Modified", state_headers(tag))
                    return [b""]
        return self.wsgi_app(environ, start_response)

    def _load(self, slug: str) -> str | None:
        """The tag from the database; None when a passing fault stopped the query."""
        try:
            with self.app.app_context():
                return self.tags.get(slug)
        except SQLAlchemyError as error:
            if not is_transient(error):
                raise
            # Flask answers instead: it asks once more, and a lasting fault is its 503.
            return None

    def _polled(self, environ) -> tuple[str | None, str | None]:
        """The endpoint and slug if the request is a GET or HEAD of a polled route."""
        # WSGI hands the path over as latin-1; URLs are UTF-8.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode(errors="replace")
        if "\x00" in path:  # Flask's guard answers 400; PostgreSQL would refuse the query
            return None, None
        try:
            endpoint, args = self.urls.match(path, environ.get("REQUEST_METHOD"))
        except HTTPException:  # no route, another method, or a redirect to a canonical URL
            return None, None
        return (endpoint, args["slug"]) if endpoint in POLLED_ENDPOINTS else (None, None)


def install(app: Flask) -> None:
    """Give the app its tag cache and put the 304 shortcut in front of it."""
    tags = TimedCache(state_tag, app.config["LIVE_STATE_CACHE_SECONDS"],
                     app.config["LIVE_STATE_CACHE_SIZE"])
    app.extensions["live_state_tags"] = tags
    app.wsgi_app = NotModifiedShortcut(app, tags)
