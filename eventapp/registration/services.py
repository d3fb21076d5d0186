"""Registering, the waitlist, cancelling, and a participant's breakout choices.

The event's places are counted like breakout seats: a conditional UPDATE of
`events.registered_count` either takes a place or fails, and a failure means waitlist.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..auth.services import get_or_create_participant, issue_sign_in_token
from ..breakouts import services as breakouts
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import FORMAT_HYBRID, FORMAT_ONLINE, Event
from ..events.services import ensure_registration_open
from ..extensions import db
from ..mails import external_url, send_mail
from .models import (
    ATTENDANCE_IN_PERSON,
    ATTENDANCE_ONLINE,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    Registration,
)
from .tickets import ticket_png

log = logging.getLogger(__name__)


class NotRegistered(NotFound):
    default_message = _l("You are not registered for this event.")


class EventOver(Conflict):
    default_message = _l("This event is over; your registration can no longer be changed.")


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool  # False: the email was registered already and nothing changed


def register(event: Event, *, name: str, email: str, organisation: str, consent: bool,
             public_listing: bool, attendance_mode: str | None = None,
             session_ids: list[int] = (), locale: str = "de",
             outside_window: bool = False) -> RegistrationResult:
    """Register a person (confirmed, or waitlisted when the event is full) and mail their link.

    Registering again with the same email changes nothing and mails the link again.
    `outside_window` is for organisers' tools (and the demo of a past meeting), which may
    add people when the public registration is closed.
    """
    if not outside_window:
        ensure_registration_open(event)
    if not consent:
        raise InvalidInput(_l("Please agree to the processing of your data."))
    attendance_mode = _attendance_mode(event, attendance_mode)
    sessions = [breakouts.get_session(event, session_id) for session_id in session_ids]
    if len({s.slot_id for s in sessions}) != len(sessions):
        raise InvalidInput(_l("Choose at most one breakout session per time slot."))
    try:
        with write_transaction():
            user = get_or_create_participant(email, name, organisation, locale)
            registration = db.session.scalar(select(Registration).where(
                Registration.event_id == event.id, Registration.user_id == user.id))
            created = registration is None or registration.status == STATUS_CANCELLED
            if created:
                registration = _open_registration(event, user, registration, attendance_mode,
                                                  public_listing)
                if registration.status == STATUS_CONFIRMED:
                    for session in sessions:
                        breakouts.choose(registration.id, session)
            token = issue_sign_in_token(user, expires_at=event.ends_at, single_use=False)
    except IntegrityError as exc:  # the same address registered twice at once (double click)
        raise Conflict() from exc
    _send_confirmation(registration, token, already_registered=not created)
    return RegistrationResult(registration, created)


def _attendance_mode(event: Event, requested: str | None) -> str:
    if event.format == FORMAT_HYBRID:
        if requested not in (ATTENDANCE_IN_PERSON, ATTENDANCE_ONLINE):
            raise InvalidInput(_l("Please choose whether you attend in person or online."))
        return requested
    return ATTENDANCE_ONLINE if event.format == FORMAT_ONLINE else ATTENDANCE_IN_PERSON


def _open_registration(event, user, registration, attendance_mode, public_listing):
    now = utcnow()
    if registration is None:
        registration = Registration(event_id=event.id, user_id=user.id)
        db.session.add(registration)
    registration.attendance_mode = attendance_mode
    registration.public_listing = public_listing
    registration.consent_at = now
    registration.consent_version = current_app.config["PRIVACY_TEXT_VERSION"]
    registration.cancelled_at = None
    if _take_place(event.id):
        registration.status, registration.waitlisted_at = STATUS_CONFIRMED, None
    else:
        registration.status, registration.waitlisted_at = STATUS_WAITLISTED, now
    db.session.flush()
    return registration


def _take_place(event_id: int) -> bool:
    """Take one place at the event if one is free (or there is no limit). Atomic."""
    result = db.session.execute(
        update(Event)
        .where(Event.id == event_id,
               or_(Event.capacity.is_(None), Event.registered_count < Event.capacity))
        .values(registered_count=Event.registered_count + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back_place(event_id: int) -> None:
    db.session.execute(
        update(Event).where(Event.id == event_id, Event.registered_count > 0)
        .values(registered_count=Event.registered_count - 1)
        .execution_options(synchronize_session=False))


def _promote_from_waitlist(event_id: int) -> list[Registration]:
    """Confirm waitlisted registrations in order while places are free."""
    promoted = []
    waiting = list(db.session.scalars(
        select(Registration.id)
        .where(Registration.event_id == event_id, Registration.status == STATUS_WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)))
    for registration_id in waiting:
        if not _take_place(event_id):
            break
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id,
                   Registration.status == STATUS_WAITLISTED)
            .values(status=STATUS_CONFIRMED, waitlisted_at=None)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            promoted.append(registration_id)
        else:  # promoted concurrently by someone else's cancellation
            _give_back_place(event_id)
    return [db.session.get(Registration, rid, populate_existing=True) for rid in promoted]


def cancel(registration: Registration) -> None:
    """Cancel a registration: free its place and every breakout seat; promote who waits."""
    if registration.status == STATUS_CANCELLED:
        return
    _ensure_not_over(registration.event)
    with write_transaction():
        # Conditional UPDATEs, not the status read above (stale under a double click on
        # PostgreSQL): only one of two cancellations at once frees the place.
        was_confirmed = _mark_cancelled(registration.id, STATUS_CONFIRMED)
        if not was_confirmed and not _mark_cancelled(registration.id, STATUS_WAITLISTED):
            return  # cancelled meanwhile
        breakouts.release_all(registration.id)
        promoted = []
        if was_confirmed:
            _give_back_place(registration.event_id)
            promoted = _promote_from_waitlist(registration.event_id)
    for other in promoted:
        _send_mail(other, _l("You have a place at %(title)s", title=other.event.title),
                   "promoted")
    _send_mail(registration, _l("Your registration for %(title)s is cancelled",
                                title=registration.event.title), "cancelled")


def _mark_cancelled(registration_id: int, previous_status: str) -> bool:
    """Cancel the registration if it still has `previous_status`; True if it did."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.status == previous_status)
        .values(status=STATUS_CANCELLED, cancelled_at=utcnow(), waitlisted_at=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _ensure_not_over(event: Event) -> None:
    if utcnow() >= event.ends_at:
        raise EventOver()


def _ensure_can_choose(registration: Registration) -> None:
    if registration.status != STATUS_CONFIRMED:
        raise Conflict(_l("Breakout sessions can be chosen once your place is confirmed."))
    _ensure_not_over(registration.event)


def choose_breakout(registration: Registration, session_id: int) -> None:
    """Move the participant into a breakout session (or its waitlist) for that slot."""
    _ensure_can_choose(registration)
    session = breakouts.get_session(registration.event, session_id)
    with write_transaction():
        breakouts.choose(registration.id, session)


def leave_breakout(registration: Registration, slot_id: int) -> None:
    """Give up the participant's seat or waitlist place in one slot."""
    _ensure_can_choose(registration)
    with write_transaction():
        breakouts.leave_slot(registration.id, slot_id)


def get_registration(event: Event, user: User) -> Registration:
    """The user's registration for the event (cancelled ones included)."""
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))
    if registration is None:
        raise NotRegistered()
    return registration


def registrations_of(user: User) -> list[Registration]:
    """The user's registrations, newest event first."""
    return list(db.session.scalars(
        select(Registration).join(Event).options(joinedload(Registration.event))
        .where(Registration.user_id == user.id).order_by(Event.starts_at.desc())))


def registrations_for_event(event: Event) -> list[Registration]:
    """Every registration of an event with its user, confirmed first, then waitlist order."""
    order = {STATUS_CONFIRMED: 0, STATUS_WAITLISTED: 1, STATUS_CANCELLED: 2}
    registrations = db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id).order_by(Registration.id))
    return sorted(registrations, key=lambda r: (order[r.status], r.waitlisted_at or r.created_at))


def _send_confirmation(registration: Registration, token: str, already_registered: bool) -> None:
    event = registration.event
    subject = (_l("Your link for %(title)s", title=event.title) if already_registered
               else _l("Your registration for %(title)s", title=event.title))
    link = external_url("auth.sign_in_with_link", token=token)
    ticket = [("ticket.png", "image/png", ticket_png(registration))] \
        if registration.status == STATUS_CONFIRMED else []
    _send_mail(registration, subject, "confirmation", link=link,
               already_registered=already_registered, attachments=ticket)


def _send_mail(registration: Registration, subject, template: str, attachments=(),
               **context) -> None:
    user = registration.user
    send_mail(user.email, user.locale, subject, template, attachments=attachments, user=user,
              registration=registration,
              event=registration.event,
              event_url=external_url("registration.my_registration", slug=registration.event.slug),
              **context)
