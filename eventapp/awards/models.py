"""Finalists of the award (polls, ballots and results follow with the live vote)."""

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db

DEFAULT_PITCH_SECONDS = 180


class Finalist(db.Model):
    __tablename__ = "finalists"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    project_title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    pitch_order: Mapped[int] = mapped_column(default=1)
    pitch_seconds: Mapped[int] = mapped_column(default=DEFAULT_PITCH_SECONDS)
    # The logo lives in the database (re-encoded PNG, small) so that app servers stay stateless;
    # deferred so that lists of finalists do not load it.
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_version: Mapped[int] = mapped_column(default=0)

    event: Mapped["Event"] = relationship()  # noqa: F821

    @property
    def has_logo(self) -> bool:
        return self.logo_version > 0

    def __repr__(self) -> str:
        return f"<Finalist {self.id} {self.organisation!r}>"
