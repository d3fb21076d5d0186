"""Meeting each other: the meeting's topics, opting in and out of its list of participants,
the list as an opted-in participant sees it (search, topic), meeting requests and answers.

Nobody who has not opted in is shown; no page or mail shows an address: a request's mail
goes to the recipient alone and names the sender; opting out deletes the profile and every
request of the person at once."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.models import Event
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from ..registration.models import Registration, RegistrationStatus
from .models import MeetingRequest, MeetingTopics, ParticipantProfile, RequestStatus

MAX_TOPICS = 40


class NotOnTheList(Forbidden):
    default_message = _l("Join the list of participants to see the others and ask for meetings.")


class AskedAlready(Conflict):
    default_message = _l("You have asked this person already.")


class NotDuringTheMeeting(InvalidInput):
    default_message = _l("Please propose a time during the meeting, or leave it empty.")

#: how long a meeting stands in the calendar file
MEETING_LENGTH = timedelta(minutes=30)


def topics_of(event: Event) -> list[str]:
    row = db.session.get(MeetingTopics, event.id)
    return list(row.topics) if row else []


def save_topics(actor, event: Event, text: str) -> None:
    """The meeting's topics, one a line (duplicates and empty lines dropped)."""
    topics = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if len(topics) > MAX_TOPICS or any(len(topic) > 80 for topic in topics):
        raise InvalidInput(_l("At most 40 topics of up to 80 characters each."))
    with write_transaction():
        row = db.session.get(MeetingTopics, event.id)
        if row is None:
            db.session.add(MeetingTopics(event_id=event.id, topics=topics))
        else:
            row.topics = topics


def profile_of(registration: Registration) -> ParticipantProfile | None:
    return db.session.get(ParticipantProfile, registration.id)


def opt_in(registration: Registration, offers: str, looks_for: str, topics: list[str]) -> None:
    """Be on the list (or change one's line and topics)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Forbidden(_l("The list is for participants with a confirmed place."))
    if not set(topics) <= set(topics_of(registration.event)):
        raise InvalidInput(_l("Please choose topics of this meeting."))
    with write_transaction():
        profile = profile_of(registration)
        if profile is None:
            profile = ParticipantProfile(registration_id=registration.id,
                                         event_id=registration.event_id)
            db.session.add(profile)
        profile.offers, profile.looks_for, profile.topics = offers, looks_for, topics


def opt_out(registration: Registration) -> None:
    """Leave the list at once, with every request one sent or received."""
    with write_transaction():
        db.session.execute(delete(MeetingRequest).where(or_(
            MeetingRequest.sender_id == registration.id,
            MeetingRequest.recipient_id == registration.id)))
        db.session.execute(delete(ParticipantProfile).where(
            ParticipantProfile.registration_id == registration.id))


def _on_the_list(registration: Registration) -> ParticipantProfile:
    profile = profile_of(registration)
    if profile is None or registration.status != RegistrationStatus.CONFIRMED:
        raise NotOnTheList()
    return profile


def directory(viewer: Registration, query: str = "", topic: str = "") -> list[tuple]:
    """The others on the list as (profile, name, organisation), by name; `query` searches
    name, organisation and the two lines, `topic` filters."""
    _on_the_list(viewer)
    rows = db.session.execute(
        select(ParticipantProfile, User.name, User.organisation)
        .join(Registration, Registration.id == ParticipantProfile.registration_id)
        .join(User, User.id == Registration.user_id)
        .where(ParticipantProfile.event_id == viewer.event_id,
               Registration.status == RegistrationStatus.CONFIRMED,
               ParticipantProfile.registration_id != viewer.id)
        .order_by(User.name, ParticipantProfile.registration_id)).all()
    words = query.casefold().split()

    def matches(profile, name, organisation):
        text = " ".join((name, organisation, profile.offers, profile.looks_for)).casefold()
        return all(word in text for word in words) and (not topic or topic in profile.topics)

    return [row for row in rows if matches(*row)]


def request_meeting(sender: Registration, recipient_id: int, message: str,
                    meets_at: datetime | None = None, notify: bool = True) -> MeetingRequest:
    """Ask another on the list for a meeting, at a time during the meeting if the sender
    proposes one; they are mailed (the sender's name only) unless `notify` is False (the
    demo's made-up addresses)."""
    _on_the_list(sender)
    event = sender.event
    if meets_at is not None and not event.starts_at <= meets_at < event.ends_at:
        raise NotDuringTheMeeting()
    recipient = db.session.get(Registration, recipient_id)
    if recipient is None or recipient.event_id != sender.event_id or recipient.id == sender.id \
            or profile_of(recipient) is None:
        raise NotFound()
    try:
        with write_transaction():
            request = MeetingRequest(event_id=sender.event_id, sender_id=sender.id,
                                     recipient_id=recipient.id, message=message,
                                     meets_at=meets_at)
            db.session.add(request)
            db.session.flush()
    except IntegrityError as exc:
        raise AskedAlready() from exc
    if not notify:
        return request
    queue_mail("meeting_request", recipient.user,
               _l("%(name)s would like to meet you at %(title)s", name=sender.user.name,
                  title=event.title),
               "meeting_request", event=event, sender_name=sender.user.name,
               sender_organisation=sender.user.organisation, message=message, meets_at=meets_at,
               people_url=external_url("matchmaking.people", slug=event.slug))
    return request


def answer(recipient: Registration, request_id: int, accept: bool, notify: bool = True) -> None:
    """Accept or decline a request made to oneself (once); the sender is mailed."""
    _on_the_list(recipient)
    status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    with write_transaction():
        done = db.session.execute(
            update(MeetingRequest)
            .where(MeetingRequest.id == request_id, MeetingRequest.recipient_id == recipient.id,
                   MeetingRequest.status == RequestStatus.PENDING)
            .values(status=status, answered_at=utcnow())
            .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise NotFound()
    if not notify:
        return
    request = db.session.get(MeetingRequest, request_id)
    db.session.refresh(request)
    event = recipient.event
    queue_mail("meeting_answer", request.sender.user,
               _l("%(name)s accepted your request", name=recipient.user.name) if accept
               else _l("%(name)s declined your request", name=recipient.user.name),
               "meeting_answer", event=event, other_name=recipient.user.name, accepted=accept,
               people_url=external_url("matchmaking.people", slug=event.slug))


def requests_of(registration: Registration) -> dict[str, list[MeetingRequest]]:
    """{"incoming": pending requests to them, "outgoing": theirs, "accepted": their meetings}."""
    rows = list(db.session.scalars(
        select(MeetingRequest).where(or_(MeetingRequest.sender_id == registration.id,
                                         MeetingRequest.recipient_id == registration.id))
        .order_by(MeetingRequest.created_at, MeetingRequest.id)))
    return {
        "incoming": [r for r in rows if r.recipient_id == registration.id
                     and r.status == RequestStatus.PENDING],
        "outgoing": [r for r in rows if r.sender_id == registration.id],
        "accepted": [r for r in rows if r.status == RequestStatus.ACCEPTED],
    }


def accepted_meetings(registration: Registration, requests: dict | None = None
                      ) -> list[tuple[MeetingRequest, Registration]]:
    """Their accepted meetings with the other person, those with a time first, by time;
    `requests`: their requests_of, where the caller has them already."""
    meetings = [(r, r.recipient if r.sender_id == registration.id else r.sender)
                for r in (requests or requests_of(registration))["accepted"]]
    return sorted(meetings, key=lambda pair: (pair[0].meets_at is None,
                                              pair[0].meets_at or pair[0].created_at))


def data_of(registration: Registration) -> dict | None:
    """What the list holds of a registration (for the data download), or None when not on it."""
    profile = profile_of(registration)
    requests = requests_of(registration)
    if profile is None and not requests["outgoing"] and not requests["incoming"]:
        return None
    return {
        "on_the_list": profile is not None,
        "offers": profile.offers if profile else "", "looks_for": profile.looks_for
        if profile else "", "topics": list(profile.topics) if profile else [],
        "requests_sent": [{"to": r.recipient.user.name, "message": r.message, "status": r.status}
                          for r in requests["outgoing"]],
        "requests_received": [{"from": r.sender.user.name, "message": r.message,
                               "status": r.status} for r in requests["incoming"]
                              + [r for r in requests["accepted"]
                                 if r.recipient_id == registration.id]],
    }
