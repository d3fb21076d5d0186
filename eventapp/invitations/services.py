"""Guest lists and invitations: reading a list (CSV, Excel or typed), mailing personal
invitations and reminders, the guest's answer, places reserved per category, the counts.

An invitation's link carries a random token of which only the hash is stored (as for
sign-in links). Accepting registers the guest through the registration service: the opened
link proves the mailbox, so it counts as the double opt-in.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update

from ..audit.services import record
from ..auth.services import hash_token, locales_of, new_token, normalise_email
from ..database import utcnow, write_transaction
from ..errors import Conflict, DomainError, InvalidInput, NotFound
from ..events.models import EVENT_LANGUAGES, Event
from ..events.services import set_invitation_only
from ..extensions import db
from ..forms import CONTROL_CHARACTERS, looks_blank
from ..mailing.compose import external_url
from ..mailing.queue import queue_mails
from ..mailing.send import ensure_deliverable
from ..registration import places
from ..registration import services as registration
from ..registration.places import reserved_places
from .files import numbered_rows
from .models import CATEGORIES, GuestCategory, Invitation, InvitationStatus, category_label

log = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_PLACES = 100_000
# What a list's header may call its columns (lower-cased), in English and German.
COLUMN_NAMES = {
    "name": ("name", "full name", "vollständiger name"),
    "email": ("email", "e-mail", "email address", "e-mail-adresse", "mail"),
    "organisation": ("organisation", "organization", "organisation/firma", "firma",
                     "institution"),
    "category": ("category", "kategorie"),
    "language": ("language", "sprache"),
}
COLUMN_ORDER = ("name", "email", "organisation", "category", "language")
# A category as a list may spell it, in German or English (compared in lower case, with
# single spaces).
CATEGORY_ALIASES = {
    **dict.fromkeys(("member", "members", "mitglied", "mitglieder", "mitgliedsunternehmen"),
                    "member"),
    **dict.fromkeys(("guest", "guests", "gast", "gäste", "gaeste"), "guest"),
    **dict.fromkeys(("vip", "vips", "ehrengast", "ehrengäste", "ehrengaeste", "guest of honour",
                     "guest of honor", "guests of honour", "guests of honor", "honoured guest",
                     "honored guest"), "vip"),
    **dict.fromkeys(("press", "presse", "media", "medien", "journalist", "journalistin",
                     "journalist/in", "journalist*in", "journalist:in"), "press"),
    **dict.fromkeys(("speaker", "speakers", "referent", "referentin", "referenten",
                     "referentinnen", "referent/in", "referent*in", "referent:in",
                     "referent_in", "referent(in)", "sprecher", "sprecherin", "redner",
                     "rednerin", "vortragende", "vortragender"), "speaker"),
}
LANGUAGE_ALIASES = {"de": "de", "deutsch": "de", "german": "de",
                    "en": "en", "englisch": "en", "english": "en"}


class GuestListInvalid(InvalidInput):
    """A guest list with bad rows: nothing of it is saved."""

    default_message = _l("The guest list has errors; nothing was saved.")

    def __init__(self, problems: list[tuple[int, str]], message=None):
        super().__init__(message)
        self.problems = problems  # (row number as the file counts it, reason)


class InvitationInvalid(NotFound):
    default_message = _l("This invitation link is not valid (any more). If you have accepted "
                         "already, sign in with the link from your confirmation mail.")


@dataclass(frozen=True)
class GuestRow:
    row: int
    name: str
    email: str
    organisation: str
    category: str
    language: str | None


@dataclass
class AddResult:
    added: int = 0
    merged: int = 0  # rows whose address appeared earlier in the same list
    existing: int = 0  # already on the event's guest list, left as they were
    names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Guest:
    """A mail's recipient: the invited person, who may have no account (no user id)."""

    email: str
    locale: str
    name: str
    link: str
    category: str
    id: None = None
    locale_chosen: bool = True  # the guest's language from the list, whatever the meeting's


# --- reading a list -----------------------------------------------------------------------


def _columns(header: list[str]) -> dict[str, int] | None:
    """Where each known column is, if the row is a header naming at least the address."""
    found = {}
    for index, title in enumerate(header):
        title = title.strip().lower()
        for column, names in COLUMN_NAMES.items():
            if title in names and column not in found:
                found[column] = index
    return found if "email" in found else None


def _check_row(number: int, cells: dict[str, str]) -> GuestRow | str:
    """The guest of one row, or the reason it is refused."""
    if any(CONTROL_CHARACTERS.search(value) for value in cells.values()):
        return _l("control characters (invisible special characters)")
    name, email = cells.get("name", ""), cells.get("email", "")
    organisation = cells.get("organisation", "")
    if not name or looks_blank(name):
        return _l("the name is missing")
    if len(name) > 200 or len(organisation) > 200:
        return _l("the name or organisation is longer than 200 characters")
    if not email:
        return _l("the email address is missing")
    try:
        email = normalise_email(email)
        ensure_deliverable(email)
    except DomainError:
        return _l("“%(email)s” is not a valid email address", email=cells["email"][:254])
    category = " ".join(cells.get("category", "").lower().split()) or GuestCategory.GUEST
    if category not in CATEGORY_ALIASES:
        return _l("unknown category “%(category)s” (known are: %(known)s)",
                  category=cells["category"][:50],
                  known=", ".join(category_label(known) for known in CATEGORIES))
    language = cells.get("language", "").lower()
    if language and language not in LANGUAGE_ALIASES:
        return _l("unknown language “%(language)s” (de, en)", language=cells["language"][:20])
    return GuestRow(number, name, email, organisation, CATEGORY_ALIASES[category],
                    LANGUAGE_ALIASES.get(language))


def parse_guest_list(*, text: str = "", data: bytes | None = None,
                     filename: str = "") -> list[GuestRow]:
    """The guests of a list (typed, CSV or xlsx), one per address; GuestListInvalid names
    every bad row with its number and reason."""
    numbered = numbered_rows(text=text, data=data, filename=filename, max_rows=MAX_ROWS)
    if not numbered:
        raise InvalidInput(_l("The guest list is empty."))
    columns = _columns(numbered[0][1])
    if columns is not None:
        numbered = numbered[1:]
    else:
        columns = {column: index for index, column in enumerate(COLUMN_ORDER)}
    if len(numbered) > MAX_ROWS:
        raise InvalidInput(_l("A guest list may have at most %(num)d rows.", num=MAX_ROWS))
    guests, problems = [], []
    for number, row in numbered:
        cells = {column: row[index] if index < len(row) else ""
                 for column, index in columns.items()}
        checked = _check_row(number, cells)
        if isinstance(checked, GuestRow):
            guests.append(checked)
        else:
            problems.append((number, checked))
    if problems:
        raise GuestListInvalid(problems)
    return guests


def add_guests(actor, event: Event, *, text: str = "", data: bytes | None = None,
               filename: str = "") -> AddResult:
    """Put a list's guests on the event's guest list: an address twice in the list is one
    guest, and guests on the list already stay as they are. A bad row saves nothing."""
    rows = parse_guest_list(text=text, data=data, filename=filename)
    result = AddResult()
    unique: dict[str, GuestRow] = {}
    for row in rows:
        if row.email in unique:
            result.merged += 1
        else:
            unique[row.email] = row
    with write_transaction():
        known = set(db.session.scalars(select(Invitation.email).where(
            Invitation.event_id == event.id, Invitation.email.in_(list(unique)))))
        accounts = locales_of([email for email, row in unique.items() if not row.language])
        new = [dict(event_id=event.id, email=email, name=row.name, organisation=row.organisation,
                    category=row.category, locale=_language(row, event, accounts),
                    status=InvitationStatus.NEW, created_at=utcnow())
               for email, row in unique.items() if email not in known]
        if new:  # one executemany, not 5,000 objects for the unit of work
            db.session.execute(insert(Invitation), new)
        result.added, result.existing = len(new), len(unique) - len(new)
        record(actor, "guests.added", event.id, added=result.added, merged=result.merged,
               existing=result.existing)
    return result


def _language(row: GuestRow, event: Event, accounts: dict[str, str]) -> str:
    """The guest's language: the list's, else their account's, else the meeting's."""
    if row.language:
        return row.language
    if accounts.get(row.email) in EVENT_LANGUAGES:
        return accounts[row.email]
    return event.language


def guests_of(event: Event) -> list[Invitation]:
    """The event's guest list, by name."""
    return list(db.session.scalars(select(Invitation).where(Invitation.event_id == event.id)
                                   .order_by(Invitation.name, Invitation.id)))


# --- mailing ------------------------------------------------------------------------------


def _mail_links(actor, event: Event, status: str, kind: str, subject, stamp: str) -> int:
    """Give each invitation in `status` a new link and mail it to its guest alone."""
    invitations = list(db.session.scalars(select(Invitation).where(
        Invitation.event_id == event.id, Invitation.status == status).order_by(Invitation.id)))
    if not invitations:
        return 0
    now = utcnow()
    with write_transaction():
        guests = []
        for invitation in invitations:
            token, token_hash = new_token()  # a new link kills the one mailed before
            invitation.token_hash = token_hash
            invitation.status = InvitationStatus.SENT
            setattr(invitation, stamp, now)
            guests.append(_Guest(invitation.email, invitation.locale, invitation.name,
                                 external_url("invitations.invitation", token=token),
                                 invitation.category))
        db.session.flush()
        count = queue_mails(actor, event, kind, guests, subject, kind,
                            context_for=lambda guest: {"link": guest.link,
                                                       "category": guest.category})
    return count


def send_invitations(actor, event: Event) -> int:
    """Mail a personal invitation to every guest who has none yet; returns how many."""
    _ensure_not_over(event)
    if not event.is_published:  # its link would lead to a registration that must refuse
        raise Conflict(_l("Publish the event before you send invitations."))
    return _mail_links(actor, event, InvitationStatus.NEW, "invitation",
                       _l("Invitation to %(title)s", title=event.title), "sent_at")


def send_reminders(actor, event: Event) -> int:
    """Remind every invited guest who has neither accepted nor declined; returns how many."""
    _ensure_not_over(event)
    return _mail_links(actor, event, InvitationStatus.SENT, "invitation_reminder",
                       _l("Reminder: your invitation to %(title)s", title=event.title),
                       "reminded_at")


def _ensure_not_over(event: Event) -> None:
    if utcnow() >= event.ends_at:
        raise registration.EventOver(_l("This event is over."))


# --- the guest's answer -------------------------------------------------------------------


def invitation_for(token: str) -> Invitation:
    """The invitation whose link this is, while it can be answered; else InvitationInvalid."""
    if not token or len(token) > 100:
        raise InvitationInvalid()
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token)))
    if invitation is None \
            or invitation.status not in (InvitationStatus.SENT, InvitationStatus.DECLINED) \
            or utcnow() >= invitation.event.ends_at:
        raise InvitationInvalid()
    return invitation


def accept_invitation(token: str, *, attendance_mode: str | None = None,
                      public_listing: bool = False) -> registration.RegistrationResult:
    """Accept an invitation: register the guest with their category (confirmed or
    waitlisted) and consent; the link is spent."""
    with write_transaction():
        invitation = invitation_for(token)
        # Spend the link with a conditional UPDATE: of two clicks at once, one accepts.
        spent = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.token_hash == hash_token(token),
                   Invitation.status.in_((InvitationStatus.SENT, InvitationStatus.DECLINED)))
            .values(status=InvitationStatus.ACCEPTED, answered_at=utcnow(), token_hash=None)
            .execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            raise InvitationInvalid()
        result = registration.register_invited(
            invitation.event, email=invitation.email, name=invitation.name,
            organisation=invitation.organisation, locale=invitation.locale,
            category=invitation.category, attendance_mode=attendance_mode,
            public_listing=public_listing)
        record(result.registration.user, "guests.accepted", invitation.event_id,
               invitation=invitation.id, category=invitation.category,
               status=result.registration.status)
    return result


def decline_invitation(token: str) -> Invitation:
    """Decline an invitation; its link still accepts later, should the guest change their mind."""
    with write_transaction():
        invitation = invitation_for(token)
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SENT)
            .values(status=InvitationStatus.DECLINED, answered_at=utcnow())
            .execution_options(synchronize_session=False))
        record(None, "guests.declined", invitation.event_id, invitation=invitation.id,
               category=invitation.category)
    db.session.refresh(invitation)
    return invitation


# --- settings and counts -------------------------------------------------------------------


def update_settings(actor, event: Event, *, invitation_only: bool,
                    reserved: dict[str, int]) -> None:
    """Set whether the event is by invitation only and how many places each category keeps.

    A category keeps at least the places its guests hold; all of them together fit into the
    capacity (registration.places). Places given back go to the waitlist in order.
    """
    if set(reserved) - set(CATEGORIES) or any(
            not 0 <= count <= MAX_PLACES for count in reserved.values()):
        raise InvalidInput()
    with write_transaction():
        places.reserve_places(event, reserved)
        set_invitation_only(event, invitation_only)
        record(actor, "guests.settings", event.id, invitation_only=invitation_only,
               reserved={k: v for k, v in reserved.items() if v})
        registration.fill_free_places(event)


def copy_settings(actor, source: Event, event: Event) -> None:
    """Give a copied meeting the access and reserved places of its source, not its guests
    (joins the caller's transaction)."""
    reserved = {category: row.places for category, row in reserved_places(source).items()}
    if source.invitation_only or reserved:
        update_settings(actor, event, invitation_only=source.invitation_only, reserved=reserved)


def guest_counts(event: Event) -> list[dict]:
    """Per category: invited (mailed), registered (accepted), declined, no answer yet, and
    the places reserved and taken."""
    rows = db.session.execute(select(Invitation.category, Invitation.status,
                                     db.func.count())
                              .where(Invitation.event_id == event.id)
                              .group_by(Invitation.category, Invitation.status)).all()
    counts = {(category, status): count for category, status, count in rows}
    reserved = reserved_places(event)
    table = []
    for category in CATEGORIES:
        by_status = Counter({status: counts.get((category, status), 0)
                             for status in (InvitationStatus.NEW, InvitationStatus.SENT,
                                            InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)})
        place = reserved.get(category)
        table.append({"category": category,
                      "listed": sum(by_status.values()),
                      "invited": by_status[InvitationStatus.SENT]
                      + by_status[InvitationStatus.ACCEPTED]
                      + by_status[InvitationStatus.DECLINED],
                      "registered": by_status[InvitationStatus.ACCEPTED],
                      "declined": by_status[InvitationStatus.DECLINED],
                      "open": by_status[InvitationStatus.SENT],
                      "reserved": place.places if place else 0,
                      "taken": place.taken if place else 0})
    return table


# --- privacy ------------------------------------------------------------------------------


def invitations_to(user) -> list[dict]:
    """What the guest lists hold about the user's address, for their data download."""
    rows = db.session.scalars(select(Invitation).where(Invitation.email == user.email)
                              .order_by(Invitation.id))
    return [{"event": invitation.event.title, "name": invitation.name,
             "organisation": invitation.organisation, "category": invitation.category,
             "language": invitation.locale, "status": invitation.status,
             "invited_at": invitation.sent_at, "reminded_at": invitation.reminded_at,
             "answered_at": invitation.answered_at} for invitation in rows]


def delete_invitations_to(user) -> None:
    """Delete every invitation to the user's address (joins the caller's transaction)."""
    with write_transaction():
        db.session.execute(delete(Invitation).where(Invitation.email == user.email))


def forget_guests(event: Event) -> int:
    """Delete the guest list of an event being anonymised; the registrations keep their
    categories (joins the caller's transaction). Returns how many were deleted."""
    with write_transaction():
        result = db.session.execute(delete(Invitation).where(Invitation.event_id == event.id))
    return result.rowcount
