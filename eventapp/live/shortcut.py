"""The 304 of the live state, answered before Flask.

Every phone and screen asks `GET /live/<slug>/state` every few seconds; nearly always
nothing has changed. Going through Flask's whole stack (sessions, rate limiter, security
headers) for an empty 304 costs more than the answer itself, so this WSGI middleware
answers it from the per-process tag cache. Everything else, including every 200 of the
same URL, goes through Flask as usual.
"""

import time

from werkzeug.http import parse_etags

from .services import cached_state_tag

PREFIX, SUFFIX = "/live/", "/state"


class NotModifiedShortcut:
    def __init__(self, flask_app, wsgi_app):
        self.flask_app = flask_app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        validators = environ.get("HTTP_IF_NONE_MATCH")
        if (validators and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
                and path.startswith(PREFIX) and path.endswith(SUFFIX)):
            slug = path[len(PREFIX):-len(SUFFIX)]
            max_age = self.flask_app.config["LIVE_STATE_CACHE_SECONDS"]
            with self.flask_app.app_context():
                tag = cached_state_tag(slug, max_age)
            if tag is not None and parse_etags(validators).contains(tag):
                start_response("304 Not Modified", [
                    ("ETag", f'"{tag}"'), ("Cache-Control", "no-cache"),
                    ("X-Server-Time", str(int(time.time() * 1000)))])
                return [b""]
        return self.wsgi_app(environ, start_response)
