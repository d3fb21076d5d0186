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
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..auth.services import (
    find_user_by_email,
    get_or_create_participant,
    hash_token,
    issue_sign_in_token,
    new_token,
    normalise_email,
)
from ..breakouts import services as breakouts
from ..breakouts.models import CHOICE_WAITLISTED, BreakoutChoice, BreakoutSession
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import FORMAT_HYBRID, FORMAT_ONLINE, STATUS_ARCHIVED, Event
from ..events.models import STATUS_PUBLISHED as STATUS_PUBLISHED_EVENT
from ..events.services import RegistrationClosed, ensure_registration_open
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from ..mailing.send import ensure_deliverable
from .models import (
    ATTENDANCE_IN_PERSON,
    ATTENDANCE_ONLINE,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    Registration,
    RegistrationRequest,
    ReservedPlace,
)
from .signals import place_taken
from .tickets import ticket_png

log = logging.getLogger(__name__)


class NotRegistered(NotFound):
    default_message = _l("You are not registered for this event.")


class EventOver(Conflict):
    default_message = _l("This event is over; your registration can no longer be changed.")


class EventFull(Conflict):
    default_message = _l("The event is full. Raise its capacity to let someone in at the desk.")


@dataclass(frozen=True)
class _Addressee:
    """Whom the mail about a form goes to when its address has no account (no user id, so
    the mail belongs to nobody's data)."""

    email: str
    locale: str  # the form page's: the reader's choice in the switch, else the meeting's
    name: str
    id: None = None
    locale_chosen: bool = True


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
        _send_request(request, token)


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
            # in the switch (_select_locale), so a different one was their choice.
            user = get_or_create_participant(request.email, request.name, request.organisation,
                                             request.locale,
                                             locale_chosen=request.locale != event.language)
            result = _register_user(event, user, request.attendance_mode, request.public_listing,
                                    _still_offered(event, request.session_ids),
                                    consent_at=request.created_at,
                                    consent_version=request.consent_version)
            if result.created:
                _send_confirmation(result.registration, issue_sign_in_token(
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
                _send_confirmation(result.registration, issue_sign_in_token(
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
    if event.status != STATUS_PUBLISHED_EVENT or utcnow() >= event.ends_at:
        raise RegistrationClosed()
    attendance_mode = _attendance_mode(event, attendance_mode)
    with write_transaction():
        user = get_or_create_participant(email, name, organisation, locale)
        result = _register_user(event, user, attendance_mode, public_listing, [],
                                consent_at=utcnow(),
                                consent_version=current_app.config["PRIVACY_TEXT_VERSION"],
                                category=category)
        if result.created:
            _send_confirmation(result.registration, issue_sign_in_token(
                user, expires_at=event.ends_at, single_use=False))
        elif result.registration.category is None:
            result.registration.category = category
    return result


def _attendance_mode(event: Event, requested: str | None) -> str:
    if event.format == FORMAT_HYBRID:
        if requested not in (ATTENDANCE_IN_PERSON, ATTENDANCE_ONLINE):
            raise InvalidInput(_l("Please choose whether you attend in person or online."))
        return requested
    return ATTENDANCE_ONLINE if event.format == FORMAT_ONLINE else ATTENDANCE_IN_PERSON


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
    if registration is not None and registration.status != STATUS_CANCELLED:
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
    took, reserved = _take_place(event.id, category)
    registration.reserved_place = reserved
    if took:
        registration.status, registration.waitlisted_at = STATUS_CONFIRMED, None
        place_taken.send(event.id)
    elif waitlist:
        registration.status, registration.waitlisted_at = STATUS_WAITLISTED, utcnow()
    else:
        raise EventFull()
    db.session.flush()
    if registration.status == STATUS_CONFIRMED:  # breakouts come with a confirmed place
        for session in sessions:
            breakouts.choose(registration.id, session)
    return RegistrationResult(registration, created=True)


def _unused_reservations(event_id: int):
    """A scalar subquery: the event's reserved places that nobody holds yet."""
    return (select(func.coalesce(func.sum(ReservedPlace.places - ReservedPlace.taken), 0))
            .where(ReservedPlace.event_id == event_id,
                   ReservedPlace.places > ReservedPlace.taken)
            .scalar_subquery())


def _take_place(event_id: int, category: str | None = None) -> tuple[bool, bool]:
    """Take one place at the event if one is free (or there is no limit); atomic.

    Returns (a place was taken, it is one reserved for `category`). A guest takes a place
    reserved for their category first; anyone else only a place that no category keeps.
    """
    if category is not None:
        reserved = db.session.execute(
            update(ReservedPlace)
            .where(ReservedPlace.event_id == event_id, ReservedPlace.category == category,
                   ReservedPlace.taken < ReservedPlace.places)
            .values(taken=ReservedPlace.taken + 1)
            .execution_options(synchronize_session=False))
        if reserved.rowcount == 1:
            if _count_place(event_id, or_(Event.capacity.is_(None),
                                          Event.registered_count < Event.capacity)):
                return True, True
            _give_back_reserved(event_id, category)  # a capacity lowered below the reservations
    # The sum of registered and unused reserved places never exceeds the capacity: a guest
    # taking a reserved place leaves it as it is, everyone else raises it by one.
    took = _count_place(event_id, or_(
        Event.capacity.is_(None),
        Event.registered_count + _unused_reservations(event_id) < Event.capacity))
    return took, False


def _count_place(event_id: int, condition) -> bool:
    result = db.session.execute(
        update(Event).where(Event.id == event_id, condition)
        .values(registered_count=Event.registered_count + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back_reserved(event_id: int, category: str) -> None:
    db.session.execute(
        update(ReservedPlace)
        .where(ReservedPlace.event_id == event_id, ReservedPlace.category == category,
               ReservedPlace.taken > 0)
        .values(taken=ReservedPlace.taken - 1)
        .execution_options(synchronize_session=False))


def _give_back_place(event_id: int, reserved_for: str | None = None) -> None:
    db.session.execute(
        update(Event).where(Event.id == event_id, Event.registered_count > 0)
        .values(registered_count=Event.registered_count - 1)
        .execution_options(synchronize_session=False))
    if reserved_for is not None:
        _give_back_reserved(event_id, reserved_for)


def public_free_places(event: Event) -> int | None:
    """The places the general public may still take (None: no limit): the capacity less
    the places held and those reserved for a guest category and not taken yet."""
    if event.capacity is None:
        return None
    unused = db.session.scalar(_unused_reservations(event.id).element)
    return max(event.capacity - event.registered_count - unused, 0)


def _promote_from_waitlist(event_id: int) -> list[Registration]:
    """Confirm waitlisted registrations in order while places are free.

    A guest further down may take a place reserved for their category that the public
    before them could not have.
    """
    promoted = []
    waiting = db.session.execute(
        select(Registration.id, Registration.category)
        .where(Registration.event_id == event_id, Registration.status == STATUS_WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)).all()
    public_full = False
    for registration_id, category in waiting:
        if public_full and category is None:
            continue
        took, reserved = _take_place(event_id, category)
        if not took:
            public_full = True
            continue
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id,
                   Registration.status == STATUS_WAITLISTED)
            .values(status=STATUS_CONFIRMED, waitlisted_at=None, reserved_place=reserved)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            promoted.append(registration_id)
            place_taken.send(event_id)
        else:  # promoted concurrently by someone else's cancellation
            _give_back_place(event_id, category if reserved else None)
    return [db.session.get(Registration, rid, populate_existing=True) for rid in promoted]


def fill_free_places(event: Event) -> list[Registration]:
    """Give the event's free places to its waitlist in order and mail those promoted.

    For places that appear otherwise than by a cancellation (a higher capacity); joins the
    caller's transaction.
    """
    with write_transaction():
        promoted = _promote_from_waitlist(event.id)
        for other in promoted:
            _send_promoted(other)
    return promoted


def mail_breakout_seats(registration_ids: list[int], session: BreakoutSession) -> None:
    """Tell people who moved from the waitlist of `session` into a seat (more seats)."""
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        _send_mail(registration.user, registration.event,
                   _l("You have a seat in “%(session)s”", session=session.title), "seated",
                   registration=registration, session=session)


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
            _give_back_place(registration.event_id, registration.category
                             if registration.reserved_place else None)
            promoted = _promote_from_waitlist(registration.event_id)
    for other in promoted:
        _send_promoted(other)
    _send_mail(registration.user, registration.event,
               _l("Your registration for %(title)s is cancelled", title=registration.event.title),
               "cancelled", registration=registration)


def _mark_cancelled(registration_id: int, previous_status: str) -> bool:
    """Cancel the registration if it still has `previous_status`; True if it did."""
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.status == previous_status)
        .values(status=STATUS_CANCELLED, cancelled_at=utcnow(), waitlisted_at=None,
                reserved_place=False)
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
    order = {STATUS_CONFIRMED: 0, STATUS_WAITLISTED: 1, STATUS_CANCELLED: 2}
    registrations = db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id).order_by(Registration.id))
    return sorted(registrations, key=lambda r: (order[r.status], r.waitlisted_at or r.created_at))


def confirmed_registration(event: Event, registration_id: int) -> Registration | None:
    """The registration with this id if it belongs to the event and holds a place, else None."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id \
            or registration.status != STATUS_CONFIRMED:
        return None
    return registration


def mark_card_received(registration: Registration) -> bool:
    """Note that a checked-in person received a vote card; False if they had one already or
    have not checked in. Joins the caller's transaction."""
    done = db.session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.checked_in_at.is_not(None),
                                   Registration.vote_card_received.is_(False))
        .values(vote_card_received=True).execution_options(synchronize_session=False))
    db.session.refresh(registration)
    return done.rowcount == 1


def mark_checked_in(registration: Registration) -> bool:
    """Mark the person as arrived; False if they were checked in already.

    One conditional UPDATE, so two desks scanning the same ticket at once check it in once.
    Joins the caller's transaction; the registration is read again afterwards.
    """
    with write_transaction():
        done = db.session.execute(
            update(Registration).where(Registration.id == registration.id,
                                       Registration.checked_in_at.is_(None))
            .values(checked_in_at=utcnow()).execution_options(synchronize_session=False))
        db.session.refresh(registration)
    return done.rowcount == 1


def delete_registrations_of(user: User) -> None:
    """Delete every registration of the user and every form waiting under their address
    (their account is going); joins the caller's transaction."""
    with write_transaction():
        db.session.execute(delete(Registration).where(Registration.user_id == user.id))
        db.session.execute(delete(RegistrationRequest)
                           .where(RegistrationRequest.email == user.email))


def people_only_in(event: Event):
    """A subquery of the ids of the event's people who have no registration for any other
    event that is not archived (those an archived event may forget)."""
    still_needed = select(Registration.user_id).join(Event).where(
        Event.status != STATUS_ARCHIVED)
    return select(Registration.user_id).where(Registration.event_id == event.id,
                                              Registration.user_id.not_in(still_needed))


def confirmed_registrations(event: Event) -> list[Registration]:
    """The registrations of an event that hold a place, with their users, in the order
    they got it."""
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id, Registration.status == STATUS_CONFIRMED)
        .order_by(func.coalesce(Registration.waitlisted_at, Registration.created_at),
                  Registration.id)))


def place_on_waitlist(registration: Registration) -> int:
    """1 for the first in line of the event's waitlist, and so on."""
    ahead = db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == registration.event_id,
            Registration.status == STATUS_WAITLISTED,
            (Registration.waitlisted_at < registration.waitlisted_at)
            | ((Registration.waitlisted_at == registration.waitlisted_at)
               & (Registration.id < registration.id))))
    return ahead + 1


def breakout_places(registration: Registration) -> list[tuple[BreakoutChoice, int | None]]:
    """The registration's breakout choices in agenda order, each with its place on the
    session's waitlist (None for a seat)."""
    choices = breakouts.choices_of(registration.id)
    return [(choice, breakouts.waitlist_position(choice)
             if choice.status == CHOICE_WAITLISTED else None)
            for slot, _sessions in breakouts.sessions_by_slot(registration.event)
            if (choice := choices.get(slot.id)) is not None]


def _send_request(request: RegistrationRequest, token: str) -> None:
    # The owner of a known address is greeted by their own name, in their language, and
    # told whether they hold a registration already (the mail reaches only them).
    user = find_user_by_email(request.email)
    registered = user is not None and db.session.scalar(select(Registration.id).where(
        Registration.event_id == request.event_id, Registration.user_id == user.id,
        Registration.status != STATUS_CANCELLED)) is not None
    recipient = user or _Addressee(request.email, request.locale, request.name)
    _send_mail(recipient, request.event,
               _l("Please confirm your registration for %(title)s", title=request.event.title),
               "confirm_registration", link=external_url("registration.confirm", token=token),
               hours=current_app.config["PENDING_REGISTRATION_HOURS"], registered=registered)


def _send_confirmation(registration: Registration, token: str) -> None:
    event = registration.event
    confirmed = registration.status == STATUS_CONFIRMED
    ticket = ("ticket.png", "image/png", ticket_png(registration)) if confirmed else None
    _send_mail(registration.user, event, _l("Your registration for %(title)s", title=event.title),
               "confirmation", attachment=ticket, registration=registration,
               link=external_url("auth.sign_in_with_link", token=token),
               places=breakout_places(registration),
               position=None if confirmed else place_on_waitlist(registration))


def _send_promoted(registration: Registration) -> None:
    _send_mail(registration.user, registration.event,
               _l("You have a place at %(title)s", title=registration.event.title), "promoted",
               registration=registration)


def _send_mail(recipient, event: Event, subject, template: str, attachment=None,
               **context) -> None:
    # `recipient` is a User, or an _Addressee for an address without an account.
    queue_mail(template, recipient, subject, template, event=event, attachment=attachment,
               event_url=external_url("registration.my_registration", slug=event.slug),
               **context)
