"""Configuration: defaults for development, overridden by environment variables.

Secrets never live in git: production sets EVENTAPP_SECRET_KEY and EVENTAPP_DATABASE_URL.
"""

import os


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Development defaults: SQLite in instance/, mails to instance/outbox/."""

    SECRET_KEY = os.environ.get("EVENTAPP_SECRET_KEY", DEV_SECRET_KEY)
    # None means "SQLite file in the instance folder"; create_app fills in the path.
    SQLALCHEMY_DATABASE_URI = os.environ.get("EVENTAPP_DATABASE_URL")
    # No pre-ping: on PostgreSQL the pool finds connections the server closed by their
    # socket, without a round trip (database.configure_postgresql); an SQLite file has no
    # server to lose.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    # How long a vote waits for the poll row (e.g. held by an organiser's transaction) and
    # for any one statement before it gives up with a 503 (PostgreSQL; 0: for ever).
    VOTE_LOCK_TIMEOUT_MS = 2_000
    VOTE_STATEMENT_TIMEOUT_MS = 5_000

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    BOOTSTRAP_SERVE_LOCAL = True
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # the logo limit (2 MB) plus room for the form
    LOGO_MAX_BYTES = 2 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("EVENTAPP_SECURE_COOKIES", False)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a phone may keep the voting page open all day
    FORCE_HTTPS = _env_bool("EVENTAPP_FORCE_HTTPS", False)

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_ENABLED = True
    # The API's limit per token (per address without one): eventapp/api.
    API_RATE_LIMIT = "300 per minute"
    # Webhook endpoints must be HTTPS; the tests' receiver on 127.0.0.1 is plain HTTP.
    WEBHOOKS_ALLOW_HTTP = False
    # No X-RateLimit-* headers: reading a limit's state for them costs two more round trips to
    # Redis on every limited request (the vote among them). A 429 says Retry-After (errors).
    RATELIMIT_HEADERS_ENABLED = False
    # A Redis that does not answer costs a request at most this long before the fallback.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

    MAIL_SERVER = os.environ.get("EVENTAPP_MAIL_SERVER")  # None: write mails to the outbox
    MAIL_PORT = int(os.environ.get("EVENTAPP_MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("EVENTAPP_MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("EVENTAPP_MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("EVENTAPP_MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("EVENTAPP_MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("EVENTAPP_MAIL_SENDER",
                                         "eventapp <noreply@eventapp.local>")
    MAIL_OUTBOX_DIR = os.environ.get("EVENTAPP_MAIL_OUTBOX_DIR")  # None: instance/outbox
    MAIL_SUPPRESS_SEND = False  # explicit, or Flask-Mail would silently suppress under testing
    # Whether the server takes addresses such as müller@… (SMTPUTF8); else they are refused.
    MAIL_SMTPUTF8 = _env_bool("EVENTAPP_MAIL_SMTPUTF8")
    MAIL_TIMEOUT = int(os.environ.get("EVENTAPP_MAIL_TIMEOUT", "30"))  # seconds per SMTP step
    # Deliver the mails a request queued right after its response (False: the worker only).
    MAIL_DELIVER_AFTER_RESPONSE = _env_bool("EVENTAPP_MAIL_DELIVER_AFTER_RESPONSE", True)

    # Absolute base for links in mails and QR codes; None uses the request's host.
    PUBLIC_URL = os.environ.get("EVENTAPP_PUBLIC_URL")
    # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none, trust nothing).
    PROXY_COUNT = int(os.environ.get("EVENTAPP_PROXY_COUNT", "0"))
    PRIVACY_TEXT_VERSION = "2022-01"
    # How long an app server may answer the live state's 304 from memory (0: always ask).
    LIVE_STATE_CACHE_SECONDS = 1.0
    # How many events' state tags each app server keeps at most (least recently asked go first).
    LIVE_STATE_CACHE_SIZE = 256
    # Where the app publishes each change of the live state to Nchan (nginx's internal publish
    # location, e.g. http://127.0.0.1:8081/pub; live/push.py, docs/operations.md). Unset: no
    # push, the pages poll (`make run`).
    LIVE_PUSH_PUBLISH_URL = os.environ.get("EVENTAPP_LIVE_PUSH_PUBLISH_URL") or None
    # The same for the ballot: its event and current poll (awards/polls.py, ballot_of).
    BALLOT_CACHE_SECONDS = 1.0
    BALLOT_CACHE_SIZE = 256
    # The same for a meeting's main language, which picks the language of its pages.
    EVENT_LANGUAGE_CACHE_SECONDS = 5.0
    SIGN_IN_LINK_MINUTES = 30
    # Ballots leave the inbox for the ballot table in shuffled batches of at least this many:
    # a reader of the database during the vote can link at most the last BATCH - 1 of them.
    BALLOT_MIX_BATCH = int(os.environ.get("EVENTAPP_BALLOT_MIX_BATCH", "10"))
    # How long the link that confirms a registration form works; until then the form holds
    # no place (double opt-in).
    PENDING_REGISTRATION_HOURS = int(os.environ.get("EVENTAPP_PENDING_REGISTRATION_HOURS", "48"))


class ProductionConfig(Config):
    """Production: HTTPS only, secure cookies; refuses to start without a secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Off only where the proxy in front already redirects to HTTPS (or in the benchmark).
    FORCE_HTTPS = _env_bool("EVENTAPP_FORCE_HTTPS", True)
    # The worker (`flask mail deliver --loop`) sends: a web worker that delivers after its
    # response is busy meanwhile, so the next request it serves would wait for the mail server.
    MAIL_DELIVER_AFTER_RESPONSE = _env_bool("EVENTAPP_MAIL_DELIVER_AFTER_RESPONSE", False)
