"""A case (one person) and its append-only status history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.crypto import EncryptedDate, EncryptedText
from tracker.domain.case_fields import private_field_names
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.user import User

if TYPE_CHECKING:
    from tracker.models.custody import Placement

# Fields that must never reach a public page, PDF, feed or anonymous API answer.
PRIVATE_CASE_FIELDS: tuple[str, ...] = private_field_names()


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_country", "status", "country"),
        Index("ix_cases_updated_at", "updated_at"),
        # The case list filters by category and publicity and sorts by name.
        Index("ix_cases_category_public_name", "category", "is_public", "full_name"),
        Index("ix_cases_full_name", "full_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    profession: Mapped[str] = mapped_column(String(300), default="")
    arrested_on: Mapped[dt.date | None] = mapped_column(Date)
    # "arrested in May 2015": arrested_on is then the first day of what is known.
    arrested_on_precision: Mapped[str] = mapped_column(String(5), default="day")
    place_of_detention: Mapped[str] = mapped_column(String(300), default="")
    charges: Mapped[str] = mapped_column(Text, default="")
    sentence: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    # Private: staff only, stored encrypted (tracker.crypto).
    internal_notes: Mapped[str] = mapped_column(EncryptedText, default="")
    health_notes: Mapped[str] = mapped_column(EncryptedText, default="")
    family_contacts: Mapped[str] = mapped_column(EncryptedText, default="")
    lawyer_contact: Mapped[str] = mapped_column(EncryptedText, default="")
    detention_address: Mapped[str] = mapped_column(EncryptedText, default="")
    birth_date: Mapped[dt.date | None] = mapped_column(EncryptedDate)
    # Empty while no date of birth is known: an empty value is stored as it is (it tells
    # nothing), so 100,000 cases without one cost no encryption (docs/performance.md).
    birth_date_precision: Mapped[str] = mapped_column(EncryptedText, default="")
    # Day and month of the birthday may be shown to supporters (never the year).
    birthday_public: Mapped[bool] = mapped_column(default=False)
    # The detention address may go on solidarity mail only with this consent.
    consent_detention_address: Mapped[bool] = mapped_column(default=False)
    consent_detention_address_by: Mapped[str | None] = mapped_column(String(20))
    consent_detention_address_on: Mapped[dt.date | None] = mapped_column(Date)

    # Publicity: shown to the public only when public AND consent is recorded.
    is_public: Mapped[bool] = mapped_column(default=False, index=True)
    consent_publicity: Mapped[bool] = mapped_column(default=False)
    consent_publicity_by: Mapped[str | None] = mapped_column(String(20))
    consent_publicity_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_photo: Mapped[bool] = mapped_column(default=False)
    consent_photo_by: Mapped[str | None] = mapped_column(String(20))
    consent_photo_on: Mapped[dt.date | None] = mapped_column(Date)
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_type: Mapped[str | None] = mapped_column(String(40))

    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # Current status, kept equal to the newest history row by services.change_status.
    status: Mapped[str] = mapped_column(String(20), default="detained")
    status_since: Mapped[dt.date | None] = mapped_column(Date)
    status_since_precision: Mapped[str] = mapped_column(String(5), default="day")

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    assigned_to: Mapped[User | None] = relationship()
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="case",
        order_by="(StatusChange.sort_on, StatusChange.id)",
        cascade="all, delete-orphan",
    )
    # Moves between facilities (tracker.models.custody), oldest first; private (see Placement).
    placements: Mapped[list[Placement]] = relationship(
        order_by="(Placement.effective_on, Placement.id)",
        cascade="all, delete-orphan",
    )

    # SQLAlchemy adds `AND version = :old` to every UPDATE and raises StaleDataError when
    # another writer got there first: an update can fail, never vanish.
    __mapper_args__ = {"version_id_col": version}

    @property
    def facility_id(self) -> int | None:
        """The facility the person is held at now: that of the newest placement."""
        return self.placements[-1].facility_id if self.placements else None

    @property
    def is_publishable(self) -> bool:
        """The privacy rule: public and consented."""
        return self.is_public and self.consent_publicity

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.status}>"


# IMP-1 and imp-1 are one case: references are unique whatever their letter case.
Index("uq_cases_reference_lower", func.lower(Case.reference), unique=True)


def _effective_on(context: Any) -> Any:
    """A change written without an order day sorts at its effective date."""
    return context.get_current_parameters()["effective_on"]


class StatusChange(Base):
    __tablename__ = "status_changes"
    __table_args__ = (
        Index("ix_status_changes_case_effective", "case_id", "effective_on"),
        Index("ix_status_changes_case_sort", "case_id", "sort_on"),
        Index("ix_status_changes_to_effective", "to_status", "effective_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(5), default="day")
    # The day the change sorts at (tracker.domain.dates.order_day): effective_on, or the day of
    # the change before it when this one is known only to its month or year and may follow it.
    sort_on: Mapped[dt.date] = mapped_column(Date, default=_effective_on)
    is_correction: Mapped[bool] = mapped_column(default=False)
    release_kind: Mapped[str | None] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(EncryptedText, default="")  # internal
    public_note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(2000), default="")

    case: Mapped[Case] = relationship(back_populates="history")
    recorded_by: Mapped[User | None] = relationship()
