"""The code of a certificate of attendance: one per registration, made the first time the
certificate is downloaded or mailed, so the verification page can find it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deleting the registration (account deletion, anonymising) deletes the code: the
    # verification page then confirms nothing.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped["Registration"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Certificate {self.code}>"
