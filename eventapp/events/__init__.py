"""Events and agenda: the public list of events and each event's page."""

from flask import Blueprint

bp = Blueprint("events", __name__)


@bp.record_once
def _install_language_cache(state) -> None:
    from .services import event_languages

    config = state.app.config
    state.app.extensions["event_languages"] = event_languages(
        config["EVENT_LANGUAGE_CACHE_SECONDS"], config["LIVE_STATE_CACHE_SIZE"])


from . import routes  # noqa: E402,F401
