"""Events and their agenda."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class EventStatus(StrEnum):
    """A draft is seen by its staff only; published by everyone; archived keeps its result."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class EventFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

# The meeting's main language: its pages, mails and big screen speak it unless the reader
# chose another language.
EVENT_LANGUAGES = ("de", "en")



class AgendaKind(StrEnum):
    """What an agenda item is; the screen and the reminder show some kinds differently."""

    OPENING = "opening"
    TALK = "talk"
    BREAKOUTS = "breakouts"
    PITCHES = "pitches"
    VOTE = "vote"
    AWARD = "award"
    BREAK = "break"
    CLOSING = "closing"


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="RESTRICT"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(200))
    motto: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[str] = mapped_column(String(20), default=EventFormat.IN_PERSON)
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    # The stream shown on the stage page (embedded when its provider allows it).
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]  # None: no limit
    # Kept by a conditional UPDATE, never recounted: confirmed registrations holding a place.
    registered_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT)
    # Only people with an invitation may register (eventapp/invitations).
    invitation_only: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped["Network"] = relationship(lazy="joined")  # noqa: F821
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="event",
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
        cascade="all, delete-orphan",
    )

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def has_online_part(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered_count, 0)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20), default="talk")
    title: Mapped[str] = mapped_column(String(300))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    # Where it takes place (a room, a hall, a place outside): shown beside the time everywhere.
    room: Mapped[str] = mapped_column(String(200), default="")

    event: Mapped["Event"] = relationship(back_populates="agenda_items")

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} {self.kind}>"
