"""Events and agenda: reading for the public pages, editing for organisers."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..audit.services import record
from ..caching import TimedCache
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..networks.access import Capability, event_capabilities, may_in_network
from ..networks.models import EventStaff, Network, NetworkMember
from ..networks.services import default_network
from .models import EVENT_LANGUAGES, AgendaItem, AgendaKind, Event, EventFormat, EventStatus

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EVENT_FIELDS = ("slug", "title", "motto", "description", "starts_at", "ends_at", "format",
                "venue", "online_link", "stream_url", "language", "registration_opens_at",
                "registration_closes_at", "capacity")
AGENDA_FIELDS = ("starts_at", "ends_at", "kind", "title", "speaker", "affiliation", "room")


class EventNotFound(NotFound):
    default_message = _l("This event does not exist or is not published.")


class RegistrationClosed(Conflict):
    default_message = _l("Registration for this event is not open.")


class InvitationRequired(RegistrationClosed):
    status_code = 403
    default_message = _l("This event is by invitation only. Please use the link in your "
                         "invitation.")


def published_events() -> list[Event]:
    """Published events, upcoming ones first (soonest first), then past ones (latest first)."""
    now = utcnow()
    events = list(db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED).order_by(Event.starts_at)))
    upcoming = [e for e in events if e.ends_at >= now]
    past = [e for e in reversed(events) if e.ends_at < now]
    return upcoming + past


def all_events() -> list[Event]:
    """Every event, newest first (for organisers)."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_at.desc())))


def events_of_network(network: Network, published_only: bool = True) -> list[Event]:
    """A network's meetings, newest first: the published and archived ones for the public."""
    query = select(Event).where(Event.network_id == network.id)
    if published_only:
        query = query.where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.ARCHIVED)))
    return list(db.session.scalars(query.order_by(Event.starts_at.desc())))


def events_for_staff(user) -> list[Event]:
    """The events the user works on, newest first: those of their networks and those in
    which they hold a role of their own."""
    if user.is_platform_admin:
        return all_events()
    network_ids = select(NetworkMember.network_id).where(NetworkMember.user_id == user.id)
    own = select(EventStaff.event_id).where(EventStaff.user_id == user.id)
    return list(db.session.scalars(
        select(Event).where(Event.network_id.in_(network_ids) | Event.id.in_(own))
        .order_by(Event.starts_at.desc())))


def get_event(slug: str, include_unpublished: bool = False,
              include_archived: bool = False) -> Event:
    """The event with this slug; drafts and archived events only when asked for."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    visible = (EventStatus.PUBLISHED, EventStatus.ARCHIVED) if include_archived \
        else (EventStatus.PUBLISHED,)
    if event is None or (not include_unpublished and event.status not in visible):
        raise EventNotFound()
    return event


def event_languages(max_age: float, size: int) -> TimedCache[str]:
    """Each process's cache of the meetings' main languages, by slug."""
    return TimedCache(
        lambda slug: db.session.scalar(select(Event.language).where(Event.slug == slug)),
        max_age, size)


def event_language(request) -> str | None:
    """The main language of the meeting a public page is about (its slug is in the URL, or a
    route found it as `g.meeting_slug`); None for other pages and for the organiser's, whose
    staff read their own language."""
    slug = (request.view_args or {}).get("slug") or g.get("meeting_slug")
    if not slug or request.path.startswith("/organiser/"):
        return None
    try:
        return current_app.extensions["event_languages"].get(slug)
    except SQLAlchemyError:  # the database is away: the 503 page speaks the reader's language
        db.session.rollback()
        return None


def registration_is_open(event: Event, now: datetime | None = None) -> bool:
    """Whether people may register now: published, within the window, before the end."""
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED or now >= event.ends_at:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now >= event.registration_closes_at)


def ensure_registration_open(event: Event) -> None:
    """Raise RegistrationClosed unless the public may register for the event now
    (InvitationRequired for an event by invitation only)."""
    if not registration_is_open(event):
        raise RegistrationClosed()
    if event.invitation_only:
        raise InvitationRequired()


def _validate_event(values: dict, event: Event | None) -> None:
    values["stream_url"] = (values.get("stream_url") or "").strip()
    values["language"] = values.get("language") or EVENT_LANGUAGES[0]
    if values["language"] not in EVENT_LANGUAGES:
        raise InvalidInput(_l("Please choose German or English."))
    if values["stream_url"] and not values["stream_url"].startswith("https://"):
        raise InvalidInput(_l("The stream's address must begin with https://."))
    if not SLUG_PATTERN.match(values["slug"]):
        raise InvalidInput(_l("The short name may contain only a-z, 0-9 and hyphens."))
    if values["format"] not in tuple(EventFormat):
        raise InvalidInput()
    if values["ends_at"] <= values["starts_at"]:
        raise InvalidInput(_l("The event must end after it starts."))
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise InvalidInput(_l("Registration must close after it opens."))
    capacity = values.get("capacity")
    if capacity is not None and capacity < (event.registered_count if event else 0):
        raise InvalidInput(_l("The capacity cannot be lower than the number of people "
                              "already registered."))
    clash = db.session.scalar(select(Event.id).where(Event.slug == values["slug"]))
    if clash is not None and (event is None or clash != event.id):
        raise InvalidInput(_l("Another event already uses this short name."))


def _local_year(moment: datetime) -> int:
    """The year on the event's calendar: a meeting on 1 January at 00:30 in Berlin is still
    on 31 December in UTC."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).year


def create_event(actor, network: Network | None = None, **values) -> Event:
    """Create a draft event from the organiser's form values, in the given network (else the
    installation's first one)."""
    values = {k: values.get(k) for k in EVENT_FIELDS}
    network = network or default_network()
    if actor is not None and not may_in_network(actor, network.id, Capability.ORGANISE):
        raise Forbidden()
    with write_transaction():
        _validate_event(values, None)
        event = Event(**values, network_id=network.id, year=_local_year(values["starts_at"]))
        db.session.add(event)
        db.session.flush()
        record(actor, "event.created", event.id, slug=event.slug)
    return event


def update_event(actor, event: Event, **values) -> Event:
    """Change an event's details."""
    values = {k: values.get(k) for k in EVENT_FIELDS}
    with write_transaction():
        _validate_event(values, event)
        changed = [k for k, v in values.items() if getattr(event, k) != v]
        for key, value in values.items():
            setattr(event, key, value)
        event.year = _local_year(event.starts_at)
        record(actor, "event.updated", event.id, fields=changed)
    return event


class ArchivingForbidden(Forbidden):
    default_message = _l("Only who may delete a meeting may archive it or bring it back from "
                         "the archive: an archived meeting's page and ballot are gone.")


def may_archive(user, event: Event) -> bool:
    """Archiving (and undoing it) needs the capability that deleting needs."""
    return Capability.DELETE in event_capabilities(user, event)


def set_event_status(actor, event: Event, status: str) -> Event:
    """Publish, unpublish (draft) or archive an event; archiving, or bringing an archived
    event back, needs Capability.DELETE (a co-organiser has not got it)."""
    if status not in tuple(EventStatus):
        raise InvalidInput()
    archiving = EventStatus.ARCHIVED in (status, event.status) and status != event.status
    if archiving and actor is not None and not may_archive(actor, event):
        raise ArchivingForbidden()
    with write_transaction():
        previous, event.status = event.status, status
        record(actor, "event.status", event.id, before=previous, after=status)
    return event


def set_invitation_only(event: Event, invitation_only: bool) -> None:
    """Open the event's registration form to everyone, or to invited guests only (the guest
    list, invitations/); joins the caller's transaction."""
    with write_transaction():
        event.invitation_only = invitation_only


def get_agenda_item(event: Event, item_id: int) -> AgendaItem:
    """An agenda item of this event."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        raise NotFound()
    return item


def _validate_agenda(values: dict) -> None:
    values["room"] = (values["room"] or "").strip()
    if values["kind"] not in tuple(AgendaKind):
        raise InvalidInput()
    if values["ends_at"] <= values["starts_at"]:
        raise InvalidInput(_l("An agenda item must end after it starts."))


def add_agenda_item(actor, event: Event, **values) -> AgendaItem:
    """Add an item to the event's agenda."""
    values = {k: values.get(k) for k in AGENDA_FIELDS}
    _validate_agenda(values)
    with write_transaction():
        item = AgendaItem(event_id=event.id, **values)
        db.session.add(item)
        db.session.flush()
        record(actor, "agenda.created", event.id, item=item.id, title=item.title)
    return item


def update_agenda_item(actor, item: AgendaItem, **values) -> AgendaItem:
    """Change an agenda item."""
    values = {k: values.get(k) for k in AGENDA_FIELDS}
    _validate_agenda(values)
    with write_transaction():
        for key, value in values.items():
            setattr(item, key, value)
        record(actor, "agenda.updated", item.event_id, item=item.id)
    return item


def delete_agenda_item(actor, item: AgendaItem) -> None:
    """Remove an agenda item; refused while breakout sessions still use it as their slot."""
    event_id, item_id = item.event_id, item.id
    try:
        with write_transaction():
            db.session.delete(item)
            db.session.flush()  # the RESTRICT foreign key of breakout sessions speaks here
            record(actor, "agenda.deleted", event_id, item=item_id)
    except IntegrityError as exc:
        raise Conflict(_l("Remove the breakout sessions of this slot first.")) from exc
