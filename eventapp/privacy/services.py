"""Privacy rules. Sits on top of the features, like the organiser tools.

Votes stay secret and results stay true: a participation keeps the id of a deleted user
(no foreign key), ballots never knew anybody, and announced results are snapshots.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..allocation import services as allocation
from ..audit.services import record
from ..auth.models import User
from ..auth.services import anonymise_participants, delete_user
from ..awards.finalists import forget_team_memberships
from ..awards.models import Participation, Poll
from ..breakouts.services import choices_of
from ..certificates.services import code_of as certificate_code_of
from ..database import utcnow, write_transaction
from ..errors import Conflict
from ..events.models import Event, EventStatus
from ..extensions import db
from ..invitations.services import delete_invitations_to, forget_guests, invitations_to
from ..mailing.queue import delete_mails_to, mails_to
from ..matchmaking.services import data_of as matchmaking_data_of
from ..networks.roles import roles_of
from ..registration.erasure import delete_registrations_of, people_only_in
from ..registration.models import RegistrationStatus
from ..registration.services import registrations_of


class EventsNotOver(Conflict):
    default_message = _l("You can delete your account once your events are over. Until then, "
                         "cancel your registration instead.")


class HoldsRoles(Conflict):
    default_message = _l("Your account holds a role in a network or a meeting. The audit log "
                         "must go on saying who did what with it, so the account cannot be "
                         "deleted while it holds a role: ask a manager of the network to take "
                         "your roles, then delete it here.")


class EventNotArchived(Conflict):
    default_message = _l("Only an archived event can be anonymised.")


def personal_data(user: User) -> dict:
    """Everything stored about the user, as plain data (for the download)."""
    registrations = []
    for registration in registrations_of(user):
        choices = choices_of(registration.id)
        registrations.append({
            "event": registration.event.title, "event_starts_at": registration.event.starts_at,
            "status": registration.status, "attendance_mode": registration.attendance_mode,
            "registered_at": registration.created_at, "consent_at": registration.consent_at,
            "consent_version": registration.consent_version, "category": registration.category,
            "public_listing": registration.public_listing,
            "checked_in_at": registration.checked_in_at, "cancelled_at": registration.cancelled_at,
            "breakout_sessions": [{"session": c.session.title, "status": c.status}
                                  for c in choices.values()],
            "breakout_rankings": allocation.rankings_of(registration.id),
            "certificate_code": certificate_code_of(registration.id),
            "list_of_participants": matchmaking_data_of(registration),
        })
    voted_in = db.session.scalars(select(Poll.title).join(
        Participation, Participation.poll_id == Poll.id).where(Participation.user_id == user.id))
    return {
        "account": {"email": user.email, "name": user.name, "organisation": user.organisation,
                    "language": user.locale, "role": user.role, "created_at": user.created_at},
        "registrations": registrations,
        # That you voted is stored; what you voted is not linked to you anywhere.
        "voted_in": list(voted_in),
        "mails": mails_to(user),
        "invitations": invitations_to(user),
        "roles": roles_of(user),
    }


def delete_account(user: User) -> None:
    """Delete a participant's account and registrations once all their events are over.
    An account holding a role (or the platform admin's) is refused: its audit rows would
    lose who acted (their actor becomes NULL), so a manager takes its roles first."""
    if user.is_platform_admin or roles_of(user):
        raise HoldsRoles()
    now = utcnow()
    if any(r.event.ends_at > now for r in registrations_of(user)
           if r.status != RegistrationStatus.CANCELLED):
        raise EventsNotOver()
    with write_transaction():
        record(None, "account.deleted", None, user=user.id)
        delete_registrations_of(user)
        forget_team_memberships(user)
        delete_mails_to(user)
        delete_invitations_to(user)
        delete_user(user)


def anonymise_event(actor, event: Event) -> int:
    """Remove the people from an archived event; counts, seats and results stay.

    Participants who have no registration for any other event that is not archived are
    anonymised; returns how many.
    """
    if event.status != EventStatus.ARCHIVED:
        raise EventNotArchived()
    with write_transaction():
        count = anonymise_participants(people_only_in(event))
        guests = forget_guests(event)
        record(actor, "event.anonymised", event.id, people=count, guests=guests)
    return count
