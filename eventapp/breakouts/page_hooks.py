"""Page hook used by events/routes.py: the breakouts box on the event page."""

from ..events.page_hooks import Section, event_page
from .services import sessions_by_slot


@event_page.connect
def breakouts_section(event):
    slots = sessions_by_slot(event)
    return Section(20, "breakouts/_event_section.html", {"slots": slots}) if slots else None
