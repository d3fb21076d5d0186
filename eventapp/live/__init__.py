"""The live show: big screen, organiser remote, polled JSON state."""

from flask import Blueprint

bp = Blueprint("live", __name__)


def init_app(app) -> None:
    """Install what the live package puts in front of Flask: the state's 304 (state_cache.py);
    and tell the pages whether the live state is pushed (push.py, templates/live/_push.html)."""
    from .push import push_enabled
    from .state_cache import install

    install(app)
    app.context_processor(lambda: {"live_push": push_enabled(app)})


from . import routes  # noqa: E402,F401
