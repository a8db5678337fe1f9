"""What staff learn of letters sent to a person: returned, replied to, delivered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.crypto import EncryptedText
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.facility import Facility
from tracker.models.user import User


class LetterReport(Base):
    """Letters of one kind on one day for one case, at the facility the person was in then.

    No personal data of supporters; the note is private (stored encrypted).
    """

    __tablename__ = "letter_reports"
    __table_args__ = (Index("ix_letter_reports_facility_on", "facility_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    kind: Mapped[str] = mapped_column(String(10))
    on: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(EncryptedText, default="")  # private
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    facility: Mapped[Facility | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
