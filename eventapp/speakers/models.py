"""Speakers of a meeting: a profile each, linked to the agenda items they speak in."""

from sqlalchemy import Column, ForeignKey, LargeBinary, String, Table, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, backref, deferred, mapped_column, relationship

from ..extensions import db

# Which speaker speaks in which agenda item; the agenda item learns its `speakers` from here,
# so the events package, below this one, needs no import of it.
agenda_item_speakers = Table(
    "agenda_item_speakers", db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"),
           primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Speaker(db.Model):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # Kept like a finalist's logo: a re-encoded PNG in the database (app servers stay
    # stateless); a new photo gets a new version, so its address changes.
    photo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_version: Mapped[int] = mapped_column(default=0)
    has_photo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    event: Mapped["Event"] = relationship()  # noqa: F821
    agenda_items: Mapped[list["AgendaItem"]] = relationship(  # noqa: F821
        secondary=agenda_item_speakers,
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
        backref=backref("speakers", order_by="Speaker.name", lazy="selectin"),
    )

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.name}>"
