"""The mails of a registration: the link that confirms a form, the confirmation with its
ticket, a place from the waitlist, a breakout seat, the cancellation. Each is queued per
recipient (mailing/queue.py) in the reader's language."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.services import find_user_by_email
from ..breakouts.models import BreakoutSession
from ..events.models import Event
from ..extensions import db
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail
from .models import Registration, RegistrationRequest, RegistrationStatus
from .places import breakout_places, place_on_waitlist
from .tickets import ticket_png


@dataclass(frozen=True)
class Addressee:
    """Whom the mail about a form goes to when its address has no account (no user id, so
    the mail belongs to nobody's data)."""

    email: str
    locale: str  # the form page's: the reader's choice in the switch, else the meeting's
    name: str
    id: None = None
    locale_chosen: bool = True



def send_request(request: RegistrationRequest, token: str) -> None:
    # The owner of a known address is greeted by their own name, in their language, and
    # told whether they hold a registration already (the mail reaches only them).
    user = find_user_by_email(request.email)
    registered = user is not None and db.session.scalar(select(Registration.id).where(
        Registration.event_id == request.event_id, Registration.user_id == user.id,
        Registration.status != RegistrationStatus.CANCELLED)) is not None
    recipient = user or Addressee(request.email, request.locale, request.name)
    _send_mail(recipient, request.event,
               _l("Please confirm your registration for %(title)s", title=request.event.title),
               "confirm_registration", link=external_url("registration.confirm", token=token),
               hours=current_app.config["PENDING_REGISTRATION_HOURS"], registered=registered)


def send_confirmation(registration: Registration, token: str) -> None:
    event = registration.event
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    # An entrance ticket for those who come; the stage page's address for those online.
    ticket = (("ticket.png", "image/png", ticket_png(registration))
              if confirmed and registration.comes_in_person else None)
    stage_url = (external_url("live.stage_page", slug=event.slug)
                 if confirmed and not registration.comes_in_person else None)
    _send_mail(registration.user, event, _l("Your registration for %(title)s", title=event.title),
               "confirmation", attachment=ticket, ticket=ticket is not None,
               stage_url=stage_url, registration=registration,
               link=external_url("auth.sign_in_with_link", token=token),
               places=breakout_places(registration),
               position=None if confirmed else place_on_waitlist(registration))


def send_promoted(registration: Registration) -> None:
    _send_mail(registration.user, registration.event,
               _l("You have a place at %(title)s", title=registration.event.title), "promoted",
               registration=registration)


def _send_mail(recipient, event: Event, subject, template: str, attachment=None,
               **context) -> None:
    # `recipient` is a User, or an Addressee for an address without an account.
    queue_mail(template, recipient, subject, template, event=event, attachment=attachment,
               event_url=external_url("registration.my_registration", slug=event.slug),
               **context)


def mail_breakout_seats(registration_ids: list[int], session: BreakoutSession) -> None:
    """Tell people who moved from the waitlist of `session` into a seat (more seats)."""
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        _send_mail(registration.user, registration.event,
                   _l("You have a seat in “%(session)s”", session=session.title), "seated",
                   registration=registration, session=session)




def send_cancelled(registration: Registration) -> None:
    _send_mail(registration.user, registration.event,
               _l("Your registration for %(title)s is cancelled", title=registration.event.title),
               "cancelled", registration=registration)
