"""The live show: big screen, organiser remote, polled JSON state."""

from flask import Blueprint

bp = Blueprint("live", __name__)


def init_app(app) -> None:
    """Install what the live package puts in front of Flask: the state's 304 (state_cache.py)."""
    from .state_cache import install

    install(app)


from . import routes  # noqa: E402,F401
