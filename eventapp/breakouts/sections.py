"""The breakouts section of the event page."""

from ..events.sections import Section, event_page
from .services import sessions_by_slot


@event_page.connect
def breakouts_section(event):
    slots = sessions_by_slot(event)
    return Section(20, "breakouts/_event_section.html", {"slots": slots}) if slots else None
