"""Organiser operations that combine features."""

from ..breakouts import services as breakouts
from ..database import write_transaction
from ..events import services as events


def copy_meeting(actor, source, title: str, slug: str, starts_at):
    """A new draft with the agenda, breakout sessions and settings of `source`, moved to
    `starts_at`; no people, finalists or votes. One transaction: all or nothing."""
    shift = starts_at - source.starts_at
    values = {name: getattr(source, name) for name in events.EVENT_FIELDS}
    values.update(title=title, slug=slug, starts_at=starts_at, ends_at=source.ends_at + shift,
                  registration_opens_at=None, registration_closes_at=None)
    sessions = dict(breakouts.sessions_by_slot(source))
    with write_transaction():
        event = events.create_event(actor, **values)
        for item in source.agenda_items:
            copied = events.add_agenda_item(
                actor, event, starts_at=item.starts_at + shift, ends_at=item.ends_at + shift,
                kind=item.kind, title=item.title, speaker=item.speaker,
                affiliation=item.affiliation)
            for session in sessions.get(item, []):
                breakouts.add_session(actor, copied, title=session.title,
                                      description=session.description, host=session.host,
                                      capacity=session.capacity)
    return event
