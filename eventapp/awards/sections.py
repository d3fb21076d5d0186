"""What the award adds to other pages: finalists and the vote on the event page, the hall of
fame on the start page."""

from ..events.sections import Section, event_page, index_page
from . import voting
from .models import POLL_ANNOUNCED, POLL_OPEN
from .services import finalists_of


@event_page.connect
def vote_section(event):
    poll = voting.current_poll(event)
    if poll is None or poll.status not in (POLL_OPEN, POLL_ANNOUNCED):
        return None
    return Section(5, "awards/_vote_section.html", {"poll": poll})


@event_page.connect
def finalists_section(event):
    finalists = finalists_of(event)
    return Section(30, "awards/_finalists_section.html", {"finalists": finalists}) \
        if finalists else None


@index_page.connect
def hall_of_fame_section(_sender):
    entries = voting.hall_of_fame()
    return Section(50, "awards/_hall_of_fame_section.html", {"entries": entries[:5]})
