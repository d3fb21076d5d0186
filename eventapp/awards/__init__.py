"""The award: finalists, polls, ballots, results, receipts, run-offs."""

from flask import Blueprint

bp = Blueprint("awards", __name__)


@bp.record_once
def _install_ballot_cache(state) -> None:
    from .polls import ballot_cache

    config = state.app.config
    state.app.extensions["ballot_cache"] = ballot_cache(config["BALLOT_CACHE_SECONDS"],
                                                        config["BALLOT_CACHE_SIZE"])


from . import page_hooks, routes  # noqa: E402,F401
