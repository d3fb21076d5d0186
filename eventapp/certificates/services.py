"""Who gets a certificate of attendance (whoever was there: registration.attendance marks it),
its code, what the public verification page confirms, and mailing them to all who were there.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..mailing import jobs
from ..mailing.compose import external_url
from ..mailing.models import MailJob
from ..mailing.queue import compose_rows, mail_locale
from ..networks.models import NetworkMember, NetworkRole
from ..registration.models import Registration, RegistrationStatus
from .models import Certificate
from .pdf import Wording, certificate_pdf, wording

# Easy to read aloud and type: no 0/O, 1/I/L. 32^8 codes, and the page is rate-limited.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAIL_KIND = "certificate"


class NotThere(Forbidden):
    default_message = _l("A certificate of attendance is only for those who were checked in "
                         "at the venue or followed the meeting on the stage page.")


class MeetingNotOver(Conflict):
    default_message = _l("Certificates can be mailed once the meeting is over.")


class CertificatesMailed(Conflict):
    default_message = _l("The certificates of this meeting have been mailed already.")


@dataclass(frozen=True)
class Verification:
    """All the public page confirms: nothing else of the person or the meeting."""

    name: str
    meeting: str
    starts_at: datetime
    ends_at: datetime


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    """"k7qx 93md", "K7QX93MD" -> "K7QX-93MD" (as typed from paper)."""
    raw = "".join(c for c in code.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


def attendees(event: Event) -> list[Registration]:
    """Who was there: confirmed, and checked in or present on the stage page."""
    return list(db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED,
               or_(Registration.checked_in_at.is_not(None),
                   Registration.present_online.is_(True)))
        .order_by(User.name, Registration.id)))


def code_for(registration: Registration) -> str:
    """The registration's certificate code, made on first use; NotThere if they were not."""
    if not registration.was_there:
        raise NotThere()
    existing = db.session.scalar(select(Certificate.code).where(
        Certificate.registration_id == registration.id))
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with write_transaction():
                certificate = Certificate(registration_id=registration.id, code=new_code())
                db.session.add(certificate)
                db.session.flush()
                return certificate.code
        except IntegrityError:  # a code taken, or a second tab made this one's meanwhile
            existing = db.session.scalar(select(Certificate.code).where(
                Certificate.registration_id == registration.id))
            if existing is not None:
                return existing
    raise Conflict()


def code_of(registration_id: int) -> str | None:
    """The code of the registration's certificate, if one was made (the data download)."""
    return db.session.scalar(select(Certificate.code).where(
        Certificate.registration_id == registration_id))


def signer_of(event: Event) -> str:
    """Whose name signs the certificate: the network's first manager (else its first
    organiser); the network's name when it has neither."""
    for role in (NetworkRole.MANAGER, NetworkRole.ORGANISER):
        name = db.session.scalar(
            select(User.name).join(NetworkMember, NetworkMember.user_id == User.id)
            .where(NetworkMember.network_id == event.network_id, NetworkMember.role == role)
            .order_by(User.id).limit(1))
        if name:
            return name
    return event.network.name


def wording_for(registration: Registration, locale: str | None = None) -> Wording:
    """What the person's certificate says, in their language (their mail language)."""
    code = code_for(registration)
    return wording(registration, code, signer_of(registration.event),
                   locale or mail_locale(registration.user, registration.event),
                   external_url("certificates.verify", code=code))


def pdf_for(registration: Registration, locale: str | None = None) -> bytes:
    """The certificate as PDF (NotThere unless they were there)."""
    return certificate_pdf(registration, wording_for(registration, locale))


def filename(registration: Registration) -> str:
    return f"certificate-{registration.event.slug}.pdf"


def verify(code: str) -> Verification:
    """What the public page confirms of a code; NotFound for an unknown one."""
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.code == normalise_code(code)))
    if certificate is None or not certificate.registration.was_there:
        raise NotFound(_l("No certificate has this code."))
    registration = certificate.registration
    event = registration.event
    return Verification(registration.user.name, event.title, event.starts_at, event.ends_at)


def mail_job(event: Event) -> MailJob | None:
    return db.session.scalar(select(MailJob).where(MailJob.event_id == event.id,
                                                   MailJob.kind == MAIL_KIND))


def queue_certificate_mails(actor, event: Event) -> MailJob:
    """Queue "your certificate" to everyone who was there, once per meeting: the worker makes
    one mail per person with their PDF, in their language (mailing/jobs.py)."""
    if event.ends_at > utcnow():
        raise MeetingNotOver()
    if mail_job(event) is not None:
        raise CertificatesMailed()
    job, _queued = jobs.queue_job(actor, event, MAIL_KIND)
    return job


@jobs.maker(MAIL_KIND)
def _make_certificate_mails(job: MailJob) -> list[dict]:
    event = db.session.get(Event, job.event_id)
    if event is None:
        return []
    present = {registration.user_id: registration for registration in attendees(event)}
    # Codes first (each in its own transaction), then the mails that carry them.
    pdfs = {user_id: pdf_for(registration) for user_id, registration in present.items()}
    return compose_rows(
        event, MAIL_KIND, [registration.user for registration in present.values()],
        _l("Your certificate of attendance: %(title)s", title=event.title), "certificate",
        attachment_for=lambda user: (filename(present[user.id]), "application/pdf",
                                     pdfs[user.id]),
        event_url=external_url("registration.my_registration", slug=event.slug))

