"""The finalists section of the event page."""

from ..events.sections import Section, event_page
from .services import finalists_of


@event_page.connect
def finalists_section(event):
    finalists = finalists_of(event)
    return Section(30, "awards/_finalists_section.html", {"finalists": finalists}) \
        if finalists else None
