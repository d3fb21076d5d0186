"""Writing and reading the audit log."""

from sqlalchemy import select

from ..extensions import db
from .models import AuditLog


def record(actor, action: str, event_id: int | None = None, **details) -> AuditLog:
    """Add an audit entry to the caller's write transaction (it commits with the change)."""
    entry = AuditLog(actor_id=actor.id if actor else None, action=action, event_id=event_id,
                     details={k: _plain(v) for k, v in details.items()})
    db.session.add(entry)
    return entry


def entries_for_event(event_id: int, limit: int = 200, action: str = "",
                      actor_id: int | None = None) -> list[AuditLog]:
    """The newest audit entries about one event, optionally of one kind or one person."""
    query = select(AuditLog).where(AuditLog.event_id == event_id)
    if action:
        query = query.where(AuditLog.action.startswith(action, autoescape=True))
    if actor_id is not None:
        query = query.where(AuditLog.actor_id == actor_id)
    query = query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def kinds_and_actors(event_id: int) -> tuple[list[str], set[int]]:
    """The kinds of action (the part before the dot) and the ids of the people in a log."""
    rows = db.session.execute(select(AuditLog.action, AuditLog.actor_id).where(
        AuditLog.event_id == event_id)).all()
    return (sorted({action.split(".")[0] for action, _actor in rows}),
            {actor for _action, actor in rows if actor})


def _plain(value):
    # JSON columns take only plain values; dates and the like are stored as text.
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
