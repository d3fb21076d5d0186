"""eventapp: registration, agenda, breakouts and the live award vote of a cluster meeting."""

import logging
import os

from flask import (
    Flask,
    abort,
    current_app,
    has_request_context,
    render_template,
    request,
    session,
)
from flask.logging import default_handler
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    gettext,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import security_headers, timespans
from .awards import vote_limit
from .config import DEV_SECRET_KEY, Config, ProductionConfig
from .database import MAX_ID, configure_postgresql, configure_sqlite
from .errors import DomainError
from .extensions import babel, bootstrap, csrf, db, limiter, login, mail, migrate
from .faults import register_fault_handlers

log = logging.getLogger(__name__)

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DatabaseId(IntegerConverter):
    """`<id:...>` in URLs: a row's id, so a number beyond the id column is a 404, not an
    overflow in the database."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, min=1, max=MAX_ID, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI commands and error pages."""
    app = Flask(
        __name__,
        instance_path=os.path.join(PROJECT_ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
    )
    production = os.environ.get("EVENTAPP_ENV") == "production"
    app.config.from_object(ProductionConfig if production else Config)
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = os.path.join(app.instance_path, "eventapp.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if production and app.config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY):
        raise RuntimeError("Set EVENTAPP_SECRET_KEY in production.")
    if production and app.config["RATELIMIT_ENABLED"] \
            and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise RuntimeError("Set REDIS_URL in production: rate limits kept in memory count per "
                           "worker, so N workers would allow N times every limit.")

    from . import live

    live.init_app(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_extensions(app)
    app.url_map.converters["id"] = DatabaseId
    _register_blueprints(app)
    _register_cli(app)
    _register_error_handlers(app)
    from . import api

    api.init_app(app)  # after the error pages: it answers its own addresses' 404 and 405
    _register_template_helpers(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    bootstrap.init_app(app)
    mail.init_app(app)
    _init_limiter(app)
    security_headers.init_app(app)
    vote_limit.init_app(app)
    # Flask-Login's own context processor loads the user for every template; the proxy
    # below loads it only where a page asks (the vote's receipt does not: bench/README.md).
    login.init_app(app, add_context_processor=False)
    login.login_view = "auth.sign_in"
    login.login_message = _l("Please sign in to see this page.")
    login.login_message_category = "info"
    login.session_protection = "basic"

    from .auth.sessions import session_user, user_of_session

    @login.user_loader
    def load_user(_user_id: str):
        # Flask-Login hands over the session's user id; the claim adds its generation.
        claim = session_user()
        return user_of_session(claim) if claim is not None else None


# Limits that only Flask-Limiter's pass before every request would count (see _init_limiter).
_LIMITS_ON_EVERY_REQUEST = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _init_limiter(app: Flask) -> None:
    """Flask-Limiter with the limits on views only.

    Every limit of the app is a view's own (`@limiter.limit`), which its decorator counts when
    the view runs. Flask-Limiter 4 also works out, before every request, the limits of the
    app, of blueprints and the defaults, which the app has none of: a pass that finds nothing
    and cost 4 % of a vote's CPU (bench/README.md). Version 4 dropped the option to leave it
    out (`auto_check`, flask-limiter issue 489), so it is taken out here, and a limit that
    would need it is refused at start rather than silently never counted.
    """
    asked = [key for key in _LIMITS_ON_EVERY_REQUEST if app.config.get(key)]
    if asked:
        raise RuntimeError(f"{', '.join(asked)}: eventapp counts only limits on views "
                           "(@limiter.limit on the view), none on every request")
    limiter.init_app(app)
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not there when the limits are off
        hooks.remove(limiter._check_request_limit)
    if default_handler not in limiter.logger.handlers:  # its warnings would go nowhere
        limiter.logger.addHandler(default_handler)


# The big screen: what the hall reads, in the meeting's language whoever's browser shows it.
_BIG_SCREEN_ENDPOINTS = frozenset({"live.screen", "live.stage"})


def _select_locale() -> str:
    """The page's language (docs/design.md, "Languages"): the big screen speaks the meeting's
    main language; every other page the reader's choice in the switch (this session, or on the
    account: `auth.sessions.start_session` copies it into the session), else the browser's
    Accept-Language, else on the pages of a meeting its main language, else German."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and mails force their own locale
        return languages[0]
    from .events.services import event_language

    if request.endpoint in _BIG_SCREEN_ENDPOINTS and request.args.get("online") != "1":
        meeting = event_language(request)
        if meeting in languages:
            return meeting
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    browser = request.accept_languages.best_match(languages)
    if browser:
        return browser
    meeting = event_language(request)
    return meeting if meeting in languages else languages[0]


def _register_blueprints(app: Flask) -> None:
    from .allocation import bp as allocation_bp
    from .auth import bp as auth_bp
    from .awards import bp as awards_bp
    from .breakouts import page_hooks as _breakout_hooks  # noqa: F401 (its box on the event page)
    from .calls import bp as calls_bp
    from .certificates import bp as certificates_bp
    from .checkin import bp as checkin_bp
    from .events import bp as events_bp
    from .exports import bp as exports_bp
    from .feedback import bp as feedback_bp
    from .invitations import bp as invitations_bp
    from .live import bp as live_bp
    from .matchmaking import bp as matchmaking_bp
    from .meeting_mails import bp as meeting_mails_bp
    from .networks import bp as networks_bp
    from .organiser import bp as organiser_bp
    from .privacy import bp as privacy_bp
    from .questions import bp as questions_bp
    from .registration import bp as registration_bp
    from .rehearsal import bp as rehearsal_bp
    from .site import bp as site_bp
    from .speakers import bp as speakers_bp
    from .webhooks import bp as webhooks_bp
    from .wordcloud import bp as wordcloud_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(registration_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(allocation_bp)
    app.register_blueprint(matchmaking_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(rehearsal_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(meeting_mails_bp)
    app.register_blueprint(networks_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(organiser_bp, url_prefix="/organiser")
    app.register_blueprint(site_bp)
    app.register_blueprint(speakers_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(wordcloud_bp)
    app.register_blueprint(feedback_bp)


def _register_cli(app: Flask) -> None:
    from .auth.cli import users_cli
    from .demo.cli import seed_cli
    from .mailing.cli import mail_cli
    from .meeting_mails.cli import remind_command
    from .webhooks.routes import webhooks_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    mail_cli.add_command(remind_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(webhooks_cli)


def _refuse_nul_characters() -> None:
    # No text column can store NUL (PostgreSQL refuses it outright), and no person types it.
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


def _register_error_handlers(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
    register_fault_handlers(app)
    def error_page(status: int, message):
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_page(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        log.info("CSRF check failed: %s", _error.description)
        return error_page(400, gettext("The form had expired. Please go back, reload the page "
                                       "and send it again."))

    messages = {
        400: _l("The request could not be understood."),
        403: _l("You are not allowed to see this page."),
        404: _l("This page does not exist."),
        405: _l("This action is not available here."),
        413: _l("The upload is too large."),
    }
    for status, message in messages.items():
        app.register_error_handler(status, lambda _e, s=status, m=message: error_page(s, m))

    @app.errorhandler(429)
    def too_many_requests(error):
        # Flask-Limiter's limit; the vote's own sets retry_after. A limit may say why.
        limit = getattr(error, "limit", None)
        page, status = error_page(429, error.description if limit is not None and
                                  limit.error_message else gettext(
            "Too many requests. Please wait a moment and try again."))
        # At most the limit's window: the phone knows when it may send again.
        retry_after = limit.limit.get_expiry() if limit is not None else error.retry_after or 60
        return page, status, {"Retry-After": str(retry_after)}

    @app.errorhandler(500)
    def server_error(_error):
        log.exception("unhandled error on %s", request.path)
        return error_page(500, gettext("Something went wrong on our side. Please try again."))


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["date"] = lambda value: format_date(value, "medium") if value else ""
    app.jinja_env.filters["datetime"] = (
        lambda value: format_datetime(value, "short") if value else "")
    app.jinja_env.filters["clock"] = (
        lambda value: gettext("%(time)s o'clock", time=format_time(value, "short"))
        if value else "")

    app.jinja_env.filters["number"] = format_decimal
    # When a meeting or an agenda item takes place: one helper for every page and mail.
    app.jinja_env.filters["timerange"] = timespans.time_range
    app.jinja_env.filters["daterange"] = timespans.date_range
    app.jinja_env.globals["by_day"] = timespans.by_day
    app.jinja_env.filters["percent"] = format_percent  # a share of 0 to 1: "67 %", "67%"
    # A stored result's entry: a yes/no in the reader's language.
    from .awards.results import entry_label

    app.jinja_env.filters["entry_label"] = entry_label

    # The enums that pages compare with (poll.status == PollStatus.OPEN), never raw strings.
    from .allocation.models import AllocationMode
    from .auth.models import AccountRole
    from .awards.models import Answer, Eligibility, PollKind, PollStatus
    from .breakouts.models import ChoiceStatus
    from .calls.models import ApplicationStatus
    from .events.models import AgendaKind, EventFormat, EventStatus
    from .invitations.models import GuestCategory, InvitationStatus
    from .live.models import ScreenMode
    from .networks.access import Capability
    from .networks.models import EventRole, NetworkRole
    from .questions.models import Naming, QuestionStatus
    from .registration.models import Attendance, RegistrationStatus
    from .rehearsal.models import Advice
    from .webhooks.models import DeliveryStatus
    from .wordcloud.models import CloudStatus

    app.jinja_env.globals.update({enum.__name__: enum for enum in (
        AccountRole, Answer, Eligibility, PollKind, PollStatus, ChoiceStatus, ApplicationStatus,
        AgendaKind, EventFormat, EventStatus, GuestCategory, InvitationStatus, ScreenMode,
        Capability, EventRole, NetworkRole, Attendance, RegistrationStatus, DeliveryStatus,
        AllocationMode, Advice, CloudStatus, Naming, QuestionStatus)})

    @app.context_processor
    def inject_locale_and_user():
        return {"current_locale": lambda: str(get_locale()), "current_user": current_user}
