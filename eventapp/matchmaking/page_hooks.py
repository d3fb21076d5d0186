"""Page hooks: the participant's own page lists their accepted meetings (registration sits
below meeting each other, so it collects this section rather than importing it)."""

from ..events.page_hooks import Section, participant_page
from .services import accepted_meetings


@participant_page.connect
def meetings_section(registration):
    meetings = accepted_meetings(registration)
    return Section(10, "matchmaking/_my_meetings.html", {"meetings": meetings}) \
        if meetings else None
