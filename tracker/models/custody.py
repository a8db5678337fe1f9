"""Where a case's person was moved (placements) and when they are in court (hearings)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.facility import Facility
from tracker.models.user import User


class Placement(Base):
    """A dated move of a person into a facility; the newest is where they are held now.

    Private: that this person is held at this facility reaches public output only with
    the case's consent_detention_address (services.publishing).
    """

    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_case_effective", "case_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(5), default="day")
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    public_note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    facility: Mapped[Facility] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Hearing(Base):
    """A day in court: a hearing, the trial, the verdict or an appeal hearing."""

    __tablename__ = "hearings"
    __table_args__ = (Index("ix_hearings_case_on", "case_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="hearing")
    court: Mapped[str] = mapped_column(String(300), default="")
    public_note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship()
