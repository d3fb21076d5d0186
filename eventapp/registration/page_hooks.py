"""Page hook used by events/routes.py: the registration box on the event page."""

from contextlib import suppress

from flask_login import current_user

from ..events.page_hooks import Section, event_page
from .models import Registration
from .places import public_free_places
from .services import NotRegistered, get_registration


@event_page.connect
def registration_section(event):
    registration: Registration | None = None
    if current_user.is_authenticated:
        with suppress(NotRegistered):
            registration = get_registration(event, current_user)
    return Section(10, "registration/_event_section.html",
                   {"registration": registration, "free_places": public_free_places(event)})
