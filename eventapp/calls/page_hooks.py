"""Page hooks used by events/routes.py: the call's box on the event page (apply while it is
open; the jury's link for its members)."""

from flask_login import current_user

from ..events.page_hooks import Section, event_page
from . import services


@event_page.connect
def call_section(event):
    call = services.call_of(event)
    if call is None:
        return None
    open_now = services.is_open(call)
    juror = services.may_judge(current_user, event)
    if not open_now and not juror:
        return None
    return Section(8, "calls/_call_section.html", {"call": call, "open": open_now,
                                                   "juror": juror})
