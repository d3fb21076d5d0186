"""Page hooks used by events/routes.py: the way to the audience's questions on the event page,
while the meeting takes questions or once some were shown."""

from ..database import utcnow
from ..events.page_hooks import Section, event_page
from . import services


@event_page.connect
def questions_section(event):
    shown = services.count_public(event)
    taking = services.settings_of(event).open and event.ends_at > utcnow()
    return Section(6, "questions/_event_section.html", {"shown": shown}) \
        if shown or taking else None
