"""Addressees, campaigns, appeals and their anonymous counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.case import Case


class Addressee(Base):
    """An official in the shared directory; correcting it corrects every letter that uses it."""

    __tablename__ = "addressees"

    id: Mapped[int] = mapped_column(primary_key=True)
    honorific: Mapped[str] = mapped_column(String(50), default="")
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(300), default="")
    address_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str] = mapped_column(String(254), default="")
    salutation: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(35), default="en")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Campaign(Base):
    """A named period grouping appeals, with a letter target."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    letter_target: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


appeal_copies = Table(
    "appeal_copies",
    Base.metadata,
    Column("appeal_id", ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True),
    Column("addressee_id", ForeignKey("addressees.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class AppealCounter(Base):
    """Downloads and letters sent per appeal and day; no personal data."""

    __tablename__ = "appeal_counters"

    appeal_id: Mapped[int] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    downloads: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)


class Appeal(Base):
    """A letter for one case: to an official (`appeal`) or of solidarity."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="appeal")
    language: Mapped[str] = mapped_column(String(35), default="en")
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("addressees.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    asks: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Totals read by the API and staff pages; deferred, so loading an appeal costs nothing more.
    downloads: Mapped[int] = column_property(
        select(func.coalesce(func.sum(AppealCounter.downloads), 0))
        .where(AppealCounter.appeal_id == id)
        .correlate_except(AppealCounter)
        .scalar_subquery(),
        deferred=True,
    )
    letters_posted: Mapped[int] = column_property(
        select(func.coalesce(func.sum(AppealCounter.sent), 0))
        .where(AppealCounter.appeal_id == id)
        .correlate_except(AppealCounter)
        .scalar_subquery(),
        deferred=True,
    )

    case: Mapped[Case] = relationship()
    addressee: Mapped[Addressee | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    copies_to: Mapped[list[Addressee]] = relationship(
        secondary=appeal_copies, order_by=appeal_copies.c.position
    )

    __mapper_args__ = {"version_id_col": version}


class PostedToken(Base):
    """A used "I posted it" token: its random id only (no personal data), so a replay counts 0."""

    __tablename__ = "posted_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    used_on: Mapped[dt.date] = mapped_column(Date, index=True)


class RateLimitHit(Base):
    """Requests per key and time window, where every server process sees them."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
