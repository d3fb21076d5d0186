"""Invitations: one per guest and event, with the guest's category and their answer."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class GuestCategory(StrEnum):
    """A guest's category on the guest list; places can be reserved per category."""

    MEMBER = "member"
    GUEST = "guest"
    VIP = "vip"
    PRESS = "press"
    SPEAKER = "speaker"


CATEGORIES = tuple(GuestCategory)
# As organisers name them (in German: Mitglied, Gast, Ehrengast, Presse, Referent/in); the
# stored values above stay as they are.
CATEGORY_LABELS = {
    GuestCategory.MEMBER: _l("Member"),
    GuestCategory.GUEST: _l("Guest"),
    GuestCategory.VIP: _l("Guest of honour"),
    GuestCategory.PRESS: _l("Press"),
    GuestCategory.SPEAKER: lazy_pgettext("guest category", "Speaker"),
}

class InvitationStatus(StrEnum):
    NEW = "new"  # on the list, not mailed yet
    SENT = "sent"  # mailed, no answer yet
    ACCEPTED = "accepted"
    DECLINED = "declined"


def category_label(category: str | None) -> str:
    """The words for a guest category in the reader's language ("" for none)."""
    return str(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else ""


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # auth.services.normalise_email
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(20), default=GuestCategory.GUEST)
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.NEW)
    # Only a hash of the link's token is kept; a reminder mails a new link (the old one dies).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
