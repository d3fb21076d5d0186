"""Bulk mail: a queue in the database, delivered in batches with retries by a CLI worker.

Why a table and a CLI command rather than RQ: the queue then needs no other service,
survives restarts with the data it belongs to, and a web request only inserts rows. Run
`flask --app wsgi mail deliver --loop` beside the app (or from cron without --loop).
"""

from flask import Blueprint

bp = Blueprint("mailing", __name__)

from . import routes  # noqa: E402,F401
