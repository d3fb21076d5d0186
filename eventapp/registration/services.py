"""Registering (double opt-in), the waitlist, cancelling, and a participant's breakout choices.

A registration form only stores a request and mails its address a link; opening the link
registers the person (`confirm_registration`). So a form changes no account and no
registration, holds no place, and answers the same whatever the address.

The event's places are counted like breakout seats: a conditional UPDATE of
`events.registered_count` either takes a place or fails, and a failure means waitlist.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..auth.services import (
    get_or_create_participant,
    hash_token,
    issue_sign_in_token,
    new_token,
    normalise_email,
)
from ..breakouts import services as breakouts
from ..breakouts.models import BreakoutSession
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import Event, EventFormat, EventStatus
from ..events.services import RegistrationClosed, ensure_registration_open
from ..extensions import db
from ..mailing.send import ensure_deliverable
from . import mails, places
from .models import Attendance, Registration, RegistrationRequest, RegistrationStatus
from .signals import place_taken, registration_cancelled, registration_confirmed

log = logging.getLogger(__name__)


class NotRegistered(NotFound):
    default_message = _l("You are not registered for this event.")


class EventOver(Conflict):
    default_message = _l("This event is over; your registration can no longer be changed.")


class EventFull(Conflict):
    default_message = _l("The event is full. Raise its capacity to let someone in at the desk.")


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool  # False: the person was registered already and nothing changed


def register(event: Event, *, name: str, email: str, organisation: str, consent: bool,
             public_listing: bool, attendance_mode: str | None = None,
             session_ids: list[int] = (), locale: str = "de") -> None:
    """Take a registration form: keep it as a request and mail its address the link that
    confirms it.

    Nothing else changes, whoever the address belongs to, and the answer is the same for
    every address; its owner reads in the mail what the link will do.
    """
    ensure_registration_open(event)
    if not consent:
        raise InvalidInput(_l("Please agree to the processing of your data."))
    ensure_deliverable(email)
    attendance_mode = _attendance_mode(event, attendance_mode)
    sessions = _chosen_sessions(event, session_ids)
    token, token_hash = new_token()
    now = utcnow()
    with write_transaction():
        # Requests past their time hold nothing; whoever registers next clears them away.
        db.session.execute(delete(RegistrationRequest)
                           .where(RegistrationRequest.expires_at <= now))
        request = RegistrationRequest(
            event_id=event.id, email=normalise_email(email), name=name.strip(),
            organisation=organisation.strip(), locale=locale, attendance_mode=attendance_mode,
            public_listing=public_listing,
            consent_version=current_app.config["PRIVACY_TEXT_VERSION"],
            session_ids=[session.id for session in sessions], token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["PENDING_REGISTRATION_HOURS"]))
        db.session.add(request)
        db.session.flush()
        mails.send_request(request, token)


def confirm_registration(token: str) -> RegistrationResult | None:
    """Apply the registration form whose mailed link this is; None for an unknown, used or
    expired link.

    Someone without an active registration for the event is registered now with what the
    form said: confirmed, or waitlisted when the event is full (so places and the waitlist
    follow the time of confirmation), with the chosen breakouts, and mailed their personal
    link and ticket. Someone registered already keeps everything as it is. An existing
    account keeps its name and organisation. The link works once.
    """
    if not token or len(token) > 100:
        return None
    try:
        with write_transaction():
            request = db.session.scalar(select(RegistrationRequest).where(
                RegistrationRequest.token_hash == hash_token(token)))
            if request is None or request.expires_at <= utcnow():
                return None
            # Spend the link with a conditional DELETE: of two clicks at once, one applies it.
            spent = db.session.execute(
                delete(RegistrationRequest).where(RegistrationRequest.id == request.id)
                .execution_options(synchronize_session=False))
            if spent.rowcount != 1:
                return None
            event = request.event
            ensure_registration_open(event)
            # The form's page spoke the meeting's language unless the reader picked another
            # in the switch or their browser asked for another (_select_locale), so a
            # different one was theirs: the mails to them follow it (mailing.queue.mail_locale).
            user = get_or_create_participant(request.email, request.name, request.organisation,
                                             request.locale,
                                             locale_chosen=request.locale != event.language)
            result = _register_user(event, user, request.attendance_mode, request.public_listing,
                                    _still_offered(event, request.session_ids),
                                    consent_at=request.created_at,
                                    consent_version=request.consent_version)
            if result.created:
                registration_confirmed.send(result.registration)
                mails.send_confirmation(result.registration, issue_sign_in_token(
                    user, expires_at=event.ends_at, single_use=False))
    except IntegrityError as exc:  # two links of one address opened at once
        raise Conflict() from exc
    return result


def register_directly(event: Event, *, name: str, email: str, organisation: str,
                      consent: bool, public_listing: bool = False,
                      attendance_mode: str | None = None, session_ids: list[int] = (),
                      locale: str = "de", notify: bool = True,
                      waitlist: bool = True) -> RegistrationResult:
    """Register someone without a mailed confirmation: confirmed, or waitlisted when the
    event is full (`waitlist=False` refuses then), in or outside the registration window.

    For people an organiser vouches for (walk-ins at the check-in desk) and for the demo's
    made-up people (`notify=False`: no mail). An active registration stays as it is.
    """
    if not consent:
        raise InvalidInput(_l("Please agree to the processing of your data."))
    ensure_deliverable(email)
    attendance_mode = _attendance_mode(event, attendance_mode)
    sessions = _chosen_sessions(event, session_ids)
    try:
        with write_transaction():
            user = get_or_create_participant(email, name, organisation, locale)
            result = _register_user(event, user, attendance_mode, public_listing, sessions,
                                    consent_at=utcnow(),
                                    consent_version=current_app.config["PRIVACY_TEXT_VERSION"],
                                    waitlist=waitlist)
            if result.created and notify:
                mails.send_confirmation(result.registration, issue_sign_in_token(
                    user, expires_at=event.ends_at, single_use=False))
    except IntegrityError as exc:  # the same address registered twice at once
        raise Conflict() from exc
    return result


def register_invited(event: Event, *, email: str, name: str, organisation: str, locale: str,
                     category: str, attendance_mode: str | None = None,
                     public_listing: bool = False) -> RegistrationResult:
    """Register a guest who accepted their invitation: the opened link proved the mailbox
    (the double opt-in) and the accept button gave the consent.

    Confirmed (on a place reserved for the category first) or waitlisted, also when the
    event is by invitation only; joins the caller's transaction. Someone registered already
    keeps their place and gets the category.
    """
    if event.status != EventStatus.PUBLISHED or utcnow() >= event.ends_at:
        raise RegistrationClosed()
    attendance_mode = _attendance_mode(event, attendance_mode)
    with write_transaction():
        user = get_or_create_participant(email, name, organisation, locale)
        result = _register_user(event, user, attendance_mode, public_listing, [],
                                consent_at=utcnow(),
                                consent_version=current_app.config["PRIVACY_TEXT_VERSION"],
                                category=category)
        if result.created:
            mails.send_confirmation(result.registration, issue_sign_in_token(
                user, expires_at=event.ends_at, single_use=False))
        elif result.registration.category is None:
            result.registration.category = category
    return result


def _attendance_mode(event: Event, requested: str | None) -> str:
    if event.format == EventFormat.HYBRID:
        if requested not in (Attendance.IN_PERSON, Attendance.ONLINE):
            raise InvalidInput(_l("Please choose whether you attend in person or online."))
        return requested
    return Attendance.ONLINE if event.format == EventFormat.ONLINE else Attendance.IN_PERSON


def _chosen_sessions(event: Event, session_ids) -> list[BreakoutSession]:
    sessions = [breakouts.get_session(event, session_id) for session_id in session_ids]
    if len({s.slot_id for s in sessions}) != len(sessions):
        raise InvalidInput(_l("Choose at most one breakout session per time slot."))
    return sessions


def _still_offered(event: Event, session_ids) -> list[BreakoutSession]:
    # A session deleted since the form was sent is simply no longer chosen.
    offered = {session.id: session for _slot, sessions in breakouts.sessions_by_slot(event)
               for session in sessions}
    return [offered[session_id] for session_id in session_ids if session_id in offered]


def _register_user(event: Event, user: User, attendance_mode: str, public_listing: bool,
                   sessions, *, consent_at: datetime, consent_version: str,
                   waitlist: bool = True, category: str | None = None) -> RegistrationResult:
    """Register the user (new, or again after cancelling) unless they are registered."""
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return RegistrationResult(registration, created=False)
    if registration is None:
        registration = Registration(event_id=event.id, user_id=user.id)
        db.session.add(registration)
    registration.attendance_mode = attendance_mode
    registration.public_listing = public_listing
    registration.consent_at = consent_at
    registration.consent_version = consent_version
    registration.cancelled_at = None
    registration.category = category
    took, reserved = places.take_place(event.id, category)
    registration.reserved_place = reserved
    if took:
        registration.status, registration.waitlisted_at = RegistrationStatus.CONFIRMED, None
        place_taken.send(event.id)
    elif waitlist:
        registration.status, registration.waitlisted_at = RegistrationStatus.WAITLISTED, utcnow()
    else:
        raise EventFull()
    db.session.flush()
    if registration.status == RegistrationStatus.CONFIRMED:  # breakouts come with a confirmed place
        for session in sessions:
            if not breakouts.held_back(session.slot_id):  # ranked choices: on their page
                breakouts.choose(registration.id, session)
    return RegistrationResult(registration, created=True)


def fill_free_places(event: Event) -> list[Registration]:
    """Give the event's free places to its waitlist in order and mail those promoted.

    For places that appear otherwise than by a cancellation (a higher capacity); joins the
    caller's transaction.
    """
    with write_transaction():
        promoted = places.promote_from_waitlist(event.id)
        for other in promoted:
            mails.send_promoted(other)
    return promoted


def cancel(registration: Registration) -> None:
    """Cancel a registration: free its place and every breakout seat; promote who waits."""
    if registration.status == RegistrationStatus.CANCELLED:
        return
    _ensure_not_over(registration.event)
    with write_transaction():
        # Conditional UPDATEs, not the status read above (stale under a double click on
        # PostgreSQL): only one of two cancellations at once frees the place.
        was_confirmed = _mark_cancelled(registration.id, RegistrationStatus.CONFIRMED)
        if not was_confirmed \
                and not _mark_cancelled(registration.id, RegistrationStatus.WAITLISTED):
            return  # cancelled meanwhile
        breakouts.release_all(registration.id)
        registration_cancelled.send(registration)
        promoted = []
        if was_confirmed:
            places.give_back_place(registration.event_id, registration.category
                             if registration.reserved_place else None)
            promoted = places.promote_from_waitlist(registration.event_id)
    for other in promoted:
        mails.send_promoted(other)
    mails.send_cancelled(registration)


def _mark_cancelled(registration_id: int, previous_status: str) -> bool:
    """Cancel the registration if it still has `previous_status`; True if it did."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.status == previous_status)
        .values(status=RegistrationStatus.CANCELLED, cancelled_at=utcnow(), waitlisted_at=None,
                reserved_place=False)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _ensure_not_over(event: Event) -> None:
    if utcnow() >= event.ends_at:
        raise EventOver()


def _ensure_can_choose(registration: Registration) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
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


def registered_user(event: Event, email: str) -> User:
    """The user registered for the event under this email address (for team lists)."""
    user = db.session.scalar(
        select(User).join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, User.email == normalise_email(email)))
    if user is None:
        raise InvalidInput(_l("Nobody is registered for this event with this email address."))
    return user


def registrations_of(user: User) -> list[Registration]:
    """The user's registrations, newest event first."""
    return list(db.session.scalars(
        select(Registration).join(Event).options(joinedload(Registration.event))
        .where(Registration.user_id == user.id).order_by(Event.starts_at.desc())))


def registrations_for_event(event: Event) -> list[Registration]:
    """Every registration of an event with its user, confirmed first, then waitlist order."""
    order = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1,
             RegistrationStatus.CANCELLED: 2}
    registrations = db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id).order_by(Registration.id))
    return sorted(registrations, key=lambda r: (order[r.status], r.waitlisted_at or r.created_at))


def confirmed_registration(event: Event, registration_id: int) -> Registration | None:
    """The registration with this id if it belongs to the event and holds a place, else None."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id \
            or registration.status != RegistrationStatus.CONFIRMED:
        return None
    return registration


def confirmed_registrations(event: Event) -> list[Registration]:
    """The registrations of an event that hold a place, with their users, in the order
    they got it."""
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(func.coalesce(Registration.waitlisted_at, Registration.created_at),
                  Registration.id)))


