"""Photos of the people of a people-award: checked and re-encoded like logos (images.py), and
public once the poll is no longer a draft in a published event."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..audit.services import record
from ..database import write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from ..images import reencode_image
from .models import Poll, PollKind, PollOption, PollStatus

# What an option without a photo carries (a new poll's options, a run-off's without one).
NO_PHOTO = {"photo_png": None, "photo_version": 0, "has_photo": False}


def photos_of(poll: Poll) -> dict[PollOption, dict]:
    """The photos of the poll's options that have one, as option rows carry them."""
    rows = db.session.execute(
        select(PollOption.id, PollOption.photo_png, PollOption.photo_version)
        .where(PollOption.poll_id == poll.id, PollOption.has_photo)).all()
    by_id = {o.id: o for o in poll.candidates}
    return {by_id[row.id]: {"photo_png": row.photo_png, "photo_version": row.photo_version,
                            "has_photo": True} for row in rows if row.id in by_id}


def set_photo(actor, poll: Poll, option_id: int, photo: bytes | None,
              remove: bool = False) -> None:
    """Give a person of a draft people-award a photo (checked and re-encoded), or take it
    away; a new photo gets a new address, so no browser shows the old one."""
    if poll.status != PollStatus.DRAFT or poll.is_runoff:
        raise Conflict(_l("Only a draft poll can be changed."))
    option = next((o for o in poll.candidates if o.id == option_id), None)
    if option is None or poll.kind != PollKind.PEOPLE:
        raise NotFound()
    if photo:
        values = {"photo_png": reencode_image(photo, current_app.config["LOGO_MAX_BYTES"],
                                              "photo"),
                  "photo_version": option.photo_version + 1, "has_photo": True}
    elif remove:
        values = {"photo_png": None, "has_photo": False}
    else:
        raise InvalidInput(_l("Please choose a photo."))
    with write_transaction():
        db.session.execute(update(PollOption).where(PollOption.id == option.id).values(**values)
                           .execution_options(synchronize_session=False))
        record(actor, "poll.photo_removed" if remove and not photo else "poll.photo_set",
               poll.event_id, poll=poll.id, person=option.name)
    db.session.expire(option)


def photo_of(option_id: int) -> tuple[bytes, int, Event, bool]:
    """A person's photo as PNG bytes, its version, its event, and whether it is public (the
    event published and the poll no longer a draft); 404 without a photo."""
    row = db.session.execute(
        select(PollOption.photo_png, PollOption.photo_version, Poll.status, Poll.event_id)
        .join(Poll).where(PollOption.id == option_id, PollOption.has_photo)).first()
    if row is None:
        raise NotFound()
    event = db.session.get(Event, row.event_id)
    public = event.status == EventStatus.PUBLISHED and row.status != PollStatus.DRAFT
    return row.photo_png, row.photo_version, event, public
