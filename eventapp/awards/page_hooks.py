"""Page hooks used by events/routes.py: the award's boxes on the event page (the vote, the
finalists) and on the start page (the hall of fame)."""

from ..events.page_hooks import Section, event_page, index_page
from . import polls
from .finalists import finalists_of
from .hall_of_fame import hall_of_fame
from .models import PollStatus


@event_page.connect
def vote_section(event):
    poll = polls.current_poll(event)
    if poll is None or poll.status not in (
            PollStatus.OPEN, PollStatus.ANNOUNCED, PollStatus.REVEALED):
        return None
    return Section(5, "awards/_vote_section.html", {"poll": poll})


@event_page.connect
def finalists_section(event):
    finalists = finalists_of(event)
    return Section(30, "awards/_finalists_section.html", {"finalists": finalists}) \
        if finalists else None


@index_page.connect
def hall_of_fame_section(_sender):
    return Section(50, "awards/_hall_of_fame_section.html", {"entries": hall_of_fame()[:5]})
