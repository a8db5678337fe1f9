"""The facility directory: prisons and other places people are held, and what they let through."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UTCDateTime, utcnow


class Facility(Base):
    """A place of detention in the shared directory (DESIGN.md section 5).

    Its address is public knowledge; that a given person is held there is not (placements).
    """

    __tablename__ = "facilities"
    __table_args__ = (Index("ix_facilities_country_name", "country", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30), default="prison")
    country: Mapped[str] = mapped_column(String(2))
    address_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    address_lines_native: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepts_letters: Mapped[bool] = mapped_column(default=True)
    address_verified_on: Mapped[dt.date | None] = mapped_column(Date)
    letter_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Facility {self.id} {self.name}>"
