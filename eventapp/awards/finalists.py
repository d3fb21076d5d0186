"""Finalists: the organisations pitching for the award, their logos and their teams."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User
from ..database import write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from ..images import reencode_logo
from .models import Finalist, FinalistTeamMember
from .signals import finalists_changed

FINALIST_FIELDS = ("organisation", "project_title", "summary", "presenter", "pitch_order",
                   "pitch_seconds")


def finalists_of(event: Event) -> list[Finalist]:
    """The event's finalists in pitch order."""
    return list(db.session.scalars(
        select(Finalist).where(Finalist.event_id == event.id)
        .order_by(Finalist.pitch_order, Finalist.id)))


def get_finalist(event: Event, finalist_id: int) -> Finalist:
    """A finalist of this event."""
    finalist = db.session.get(Finalist, finalist_id)
    if finalist is None or finalist.event_id != event.id:
        raise NotFound()
    return finalist


def logo_of(finalist_id: int, include_unpublished: bool = False) -> tuple[bytes, int]:
    """A finalist's logo as PNG bytes with its version (for caching).

    Logos of events that are not published are for organisers only.
    """
    query = (select(Finalist.logo_png, Finalist.logo_version).join(Event)
             .where(Finalist.id == finalist_id))
    if not include_unpublished:
        query = query.where(Event.status == EventStatus.PUBLISHED)
    row = db.session.execute(query).first()
    if row is None or row.logo_png is None:
        raise NotFound()
    return row.logo_png, row.logo_version


def _validated(values: dict) -> dict:
    values = {k: values.get(k) for k in FINALIST_FIELDS}
    if not values["pitch_seconds"] or not 30 <= values["pitch_seconds"] <= 1800:
        raise InvalidInput(_l("A pitch lasts between 30 seconds and 30 minutes."))
    return values


def add_finalist(actor, event: Event, logo: bytes | None = None, **values) -> Finalist:
    """Add a finalist; the logo, if any, is checked and re-encoded first."""
    values = _validated(values)
    logo_png = _checked_logo(logo)
    with write_transaction():
        if not values["pitch_order"]:
            values["pitch_order"] = 1 + (db.session.scalar(
                select(func.max(Finalist.pitch_order)).where(Finalist.event_id == event.id)) or 0)
        finalist = Finalist(event_id=event.id, **values)
        if logo_png:
            finalist.logo_png, finalist.logo_version, finalist.has_logo = logo_png, 1, True
        db.session.add(finalist)
        db.session.flush()
        record(actor, "finalist.created", event.id, finalist=finalist.id,
               organisation=finalist.organisation)
        finalists_changed.send(event.id)
    return finalist


def update_finalist(actor, finalist: Finalist, logo: bytes | None = None,
                    remove_logo: bool = False, **values) -> Finalist:
    """Change a finalist; a new logo replaces the old one."""
    values = _validated(values)
    logo_png = _checked_logo(logo)
    with write_transaction():
        for key, value in values.items():
            if value is not None:
                setattr(finalist, key, value)
        if logo_png:
            finalist.logo_png, finalist.has_logo = logo_png, True
            finalist.logo_version += 1
        elif remove_logo:
            finalist.logo_png, finalist.has_logo = None, False
        record(actor, "finalist.updated", finalist.event_id, finalist=finalist.id)
        db.session.flush()
        finalists_changed.send(finalist.event_id)
    return finalist


def delete_finalist(actor, finalist: Finalist) -> None:
    """Remove a finalist nobody has voted for (ballots keep their finalist)."""
    try:
        with write_transaction():
            record(actor, "finalist.deleted", finalist.event_id, finalist=finalist.id,
                   organisation=finalist.organisation)
            db.session.delete(finalist)
            db.session.flush()
            finalists_changed.send(finalist.event_id)
    except IntegrityError as error:
        raise Conflict(_l("Votes have been cast for this finalist; it cannot be deleted.")) \
            from error


def _checked_logo(logo: bytes | None) -> bytes | None:
    if not logo:
        return None
    return reencode_logo(logo, current_app.config["LOGO_MAX_BYTES"])


def team_members(finalist: Finalist) -> list[User]:
    """The participants marked as members of a finalist's team."""
    return list(db.session.scalars(
        select(User).join(FinalistTeamMember, FinalistTeamMember.user_id == User.id)
        .where(FinalistTeamMember.finalist_id == finalist.id).order_by(User.name)))


def set_team_member(actor, finalist: Finalist, user: User, member: bool) -> None:
    """Mark (or unmark) a participant as a member of a finalist's team."""
    with write_transaction():
        existing = db.session.get(FinalistTeamMember, (finalist.id, user.id))
        if member and existing is None:
            db.session.add(FinalistTeamMember(finalist_id=finalist.id, user_id=user.id))
        elif not member and existing is not None:
            db.session.delete(existing)
        record(actor, "finalist.team_member_" + ("added" if member else "removed"),
               finalist.event_id, finalist=finalist.id, user=user.id)


def forget_team_memberships(user: User) -> None:
    """Take a person off every finalist's team (their account is being deleted)."""
    with write_transaction():
        db.session.execute(delete(FinalistTeamMember).where(FinalistTeamMember.user_id == user.id))
