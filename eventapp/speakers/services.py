"""Speakers' profiles: the organiser keeps them, the public reads them."""

from collections.abc import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..database import write_transaction
from ..errors import InvalidInput, NotFound
from ..events.models import AgendaItem, Event, EventStatus
from ..extensions import db
from ..images import reencode_image
from .models import Speaker

SPEAKER_FIELDS = ("name", "role", "organisation", "bio", "link")


def speakers_of(event: Event) -> list[Speaker]:
    """The meeting's speakers, by name."""
    return list(db.session.scalars(
        select(Speaker).where(Speaker.event_id == event.id).order_by(Speaker.name, Speaker.id)))


def get_speaker(event: Event, speaker_id: int) -> Speaker:
    """A speaker of this meeting."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or speaker.event_id != event.id:
        raise NotFound()
    return speaker


def _validated(event: Event, values: dict, agenda_item_ids: list[int]) -> tuple[dict, list]:
    values = {k: (values.get(k) or "").strip() for k in SPEAKER_FIELDS}
    if not values["name"]:
        raise InvalidInput(_l("Please enter the speaker's name."))
    # Only web addresses: a javascript: or data: link on a public page would run in it.
    if values["link"] and not values["link"].startswith(("https://", "http://")):
        raise InvalidInput(_l("The link must begin with https:// or http://."))
    items = list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.event_id == event.id, AgendaItem.id.in_(agenda_item_ids))))
    if len(items) != len(set(agenda_item_ids)):
        raise InvalidInput(_l("Please choose agenda items of this meeting."))
    return values, items


def save_speaker(actor, event: Event, speaker: Speaker | None = None, *,
                 agenda_item_ids: Iterable[int] = (), photo: bytes | None = None,
                 remove_photo: bool = False, **values) -> Speaker:
    """Add a speaker to the meeting, or change one: the profile, the agenda items they speak
    in, and a new photo (checked and re-encoded, with a new address) or none."""
    values, items = _validated(event, values, list(agenda_item_ids))
    if photo:
        png = reencode_image(photo, current_app.config["LOGO_MAX_BYTES"], "photo")
    with write_transaction():
        action = "speaker.updated"
        if speaker is None:
            # The version counts up below before the row's default would apply at the flush.
            speaker, action = Speaker(event_id=event.id, photo_version=0), "speaker.created"
            db.session.add(speaker)
        for key, value in values.items():
            setattr(speaker, key, value)
        speaker.agenda_items = items
        if photo:
            speaker.photo_png, speaker.has_photo = png, True
            speaker.photo_version += 1
        elif remove_photo:
            speaker.photo_png, speaker.has_photo = None, False
        db.session.flush()
        record(actor, action, event.id, speaker=speaker.id, name=speaker.name)
    return speaker


def delete_speaker(actor, speaker: Speaker) -> None:
    """Remove a speaker's profile (the agenda items stay)."""
    event_id, speaker_id, name = speaker.event_id, speaker.id, speaker.name
    with write_transaction():
        db.session.delete(speaker)
        record(actor, "speaker.deleted", event_id, speaker=speaker_id, name=name)


def is_public(speaker: Speaker) -> bool:
    """A speaker's page and photo are public while their meeting is published."""
    return speaker.event.status == EventStatus.PUBLISHED


def photo_of(speaker: Speaker) -> tuple[bytes, int]:
    """The speaker's photo as PNG bytes and its version; 404 without one."""
    if not speaker.has_photo:
        raise NotFound()
    return speaker.photo_png, speaker.photo_version
