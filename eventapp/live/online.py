"""Taking part online: the stage page's stream, and being present there.

An online participant follows the meeting on `/events/<slug>/stage`: the stream beside what
the big screen shows. Opening it while the event runs makes them present, which polls for
"checked in or present online" count as being there (awards/eligibility.py). Only that is
recorded, on the registration: not when, and not for how long.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from flask_babel import lazy_gettext as _l

from ..awards import polls
from ..awards.models import Eligibility
from ..breakouts.models import BreakoutSession
from ..breakouts.services import room_links_for
from ..database import utcnow, write_transaction
from ..errors import Forbidden
from ..events.models import Event
from ..networks.access import event_capabilities
from ..registration.attendance import mark_present_online
from ..registration.models import Registration, RegistrationStatus
from ..registration.services import NotRegistered, get_registration

# People open the stage a little before the start; that already counts as being there.
DOORS_OPEN = timedelta(minutes=30)


class NotAParticipant(Forbidden):
    default_message = _l("The stage is open to registered participants of this event.")


@dataclass(frozen=True)
class Stream:
    """How the stage shows the event's stream: embedded from `frame_origin`, or as a link."""

    url: str  # what the participant opens: the player to embed, or the page to link to
    frame_origin: str | None  # the origin the page's CSP must allow in frame-src; None: a link


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{1,12}$")


def _youtube(parts) -> str | None:
    if parts.hostname == "youtu.be":
        video = parts.path.lstrip("/")
    elif parts.path.startswith(("/embed/", "/live/")):
        video = parts.path.split("/")[2]
    else:
        video = (parse_qs(parts.query).get("v") or [""])[0]
    return f"https://www.youtube-nocookie.com/embed/{video}" if _YOUTUBE_ID.match(video) else None


def _vimeo(parts) -> str | None:
    video = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"https://player.vimeo.com/video/{video}" if _VIMEO_ID.match(video) else None


# The providers whose players may be embedded, by the host of the address the organiser
# gives; each turns that address into its player's, whose origin alone the CSP then allows.
_PROVIDERS = {
    "www.youtube.com": _youtube, "youtube.com": _youtube, "youtu.be": _youtube,
    "www.youtube-nocookie.com": _youtube,
    "vimeo.com": _vimeo, "player.vimeo.com": _vimeo,
}


def stream_of(event: Event) -> Stream | None:
    """The event's stream as the stage shows it; None if it has none."""
    if not event.stream_url:
        return None
    parts = urlsplit(event.stream_url)
    embed = _PROVIDERS.get(parts.hostname or "", lambda _parts: None)(parts)
    if embed is None:
        return Stream(event.stream_url, None)
    player = urlsplit(embed)
    return Stream(embed, f"{player.scheme}://{player.hostname}")


def is_running(event: Event, now=None) -> bool:
    """Whether the meeting is on now (from a little before its start until its end)."""
    now = now or utcnow()
    return event.starts_at - DOORS_OPEN <= now < event.ends_at


def _stage_registration(user, event: Event) -> Registration | None:
    # A participant's confirmed registration; None for someone with a role in this event,
    # who watches without one. Staff of other events and networks have neither: refused.
    try:
        registration = get_registration(event, user)
    except NotRegistered:
        registration = None
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        if event_capabilities(user, event):
            return None
        raise NotAParticipant()
    return registration


def enter_stage(user, event: Event) -> Registration | None:
    """A participant opens the stage: their confirmed registration, present from now on if
    the meeting runs. Organisers watch without a registration (None)."""
    registration = _stage_registration(user, event)
    if registration is None:
        return None
    if not registration.present_online and is_running(event):
        with write_transaction():
            marked = mark_present_online(registration)
            # Whoever checked in counts already; a new face adds to the turnout's total.
            if marked and registration.checked_in_at is None:
                polls.count_newly_eligible(event.id, (Eligibility.PRESENT,))
    return registration


def stage_rooms(user, event: Event) -> list[BreakoutSession]:
    """The video rooms open to the stage's viewer now (breakouts.services.room_links_for),
    fetched again by the open page; nobody becomes present by that."""
    registration = _stage_registration(user, event)
    return room_links_for(registration.id) if registration else []
