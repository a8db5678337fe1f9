"""The frozen public view objects: plain data holding only the fields the public may see.

Public pages, feeds and letters receive these, never ORM rows, so a template cannot reach a
private column. They are filled by tracker.services.publishing.queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from tracker.domain.custody import LetterRules
from tracker.domain.dates import format_partial_date
from tracker.domain.detention import Detention, latest_detention
from tracker.domain.vocabulary import HELD_STATUSES, AppealStatus, Category, ReleaseKind, Status


@dataclass(frozen=True, slots=True)
class PublicStatusChange:
    """One step of a person's public timeline."""

    id: int
    case_id: int
    case_slug: str
    case_name: str
    from_status: str | None
    to_status: str
    effective_on: dt.date
    precision: str
    release_kind: str | None
    public_note: str
    recorded_at: dt.datetime

    @property
    def status_label(self) -> str:
        return Status(self.to_status).label

    @property
    def release_kind_label(self) -> str:
        return ReleaseKind(self.release_kind).label if self.release_kind else ""

    @property
    def when(self) -> str:
        return format_partial_date(self.effective_on, self.precision)


@dataclass(frozen=True, slots=True)
class PublicFacility:
    """The facility a consenting person may be written to at, with what it lets through."""

    id: int
    name: str
    name_native: str
    address_lines: tuple[str, ...]
    address_lines_native: tuple[str, ...]
    country: str
    country_name: str
    rules: LetterRules
    version: int


@dataclass(frozen=True, slots=True)
class PublicCase:
    """The public facts of a person."""

    id: int
    slug: str
    name: str
    name_native: str
    country: str
    country_name: str
    category: str
    profession: str
    arrested_on: dt.date | None
    arrested_on_precision: str
    place_of_detention: str
    charges: str
    sentence: str
    summary: str
    status: str
    status_since: dt.date | None
    status_since_precision: str
    has_photo: bool
    history: tuple[PublicStatusChange, ...] = field(default=())
    # Where solidarity mail reaches the person: only with consent_detention_address and a
    # facility that accepts letters (services.publishing.custody); None otherwise.
    mail_facility: PublicFacility | None = None

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def is_held(self) -> bool:
        return Status(self.status) in HELD_STATUSES

    def detention(self) -> Detention | None:
        """The current (or last) period in custody, by the rule of tracker.domain.detention."""
        found = latest_detention(self.history)
        if found is None and self.arrested_on is not None:
            # No held status was recorded: the date of arrest is all that is known.
            found = Detention(
                self.arrested_on,
                self.arrested_on_precision,
                end=None if self.is_held else self.status_since,
                end_precision=None if self.is_held else self.status_since_precision,
            )
        return found

    @property
    def detained_since(self) -> str:
        """When the current (or last) period in custody began, as people write it."""
        found = self.detention()
        return format_partial_date(found.start, found.start_precision) if found else ""

    def days_detained(self, today: dt.date) -> int | None:
        """Days in custody so far (held) or in the last period (not held)."""
        found = self.detention()
        return found.days(today) if found else None

    @property
    def release(self) -> PublicStatusChange | None:
        """The newest release, when the person is out."""
        if self.is_held:
            return None
        for change in reversed(self.history):
            if change.to_status == Status.RELEASED:
                return change
        return None

    def placeholder_values(self, today: dt.date) -> dict[str, Any]:
        """The case part of the letter placeholder context."""
        return {
            "name": self.name,
            "name_native": self.name_native,
            "country": self.country_name,
            "country_code": self.country,
            "profession": self.profession,
            "category": self.category_label,
            "place_of_detention": self.place_of_detention,
            "charges": self.charges,
            "sentence": self.sentence,
            "status": self.status_label,
            "detained_since": self.detained_since,
            "days_detained": self.days_detained(today) or 0,
        }

    def fingerprint(self) -> dict[str, Any]:
        """Every public value (for cache keys: any change gives a new key)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PublicAddressee:
    """An official as printed on a letter."""

    id: int
    honorific: str
    name: str
    position: str
    institution: str
    address_lines: tuple[str, ...]
    country: str
    country_name: str
    email: str
    salutation: str
    language: str
    version: int

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}".strip()

    def placeholder_values(self) -> dict[str, Any]:
        """The addressee part of the letter placeholder context."""
        return {
            "honorific": self.honorific,
            "name": self.name,
            "full_name": self.full_name,
            "position": self.position,
            "institution": self.institution,
            "salutation": self.salutation,
            "country": self.country_name,
        }


@dataclass(frozen=True, slots=True)
class PublicAppeal:
    """An appeal as supporters see it."""

    id: int
    case_id: int
    kind: str
    language: str
    subject: str
    body: str
    asks: tuple[str, ...]
    deadline: dt.date | None
    status: str
    version: int
    updated_at: dt.datetime
    campaign_slug: str | None
    campaign_name: str | None
    addressee: PublicAddressee | None
    copies_to: tuple[PublicAddressee, ...]

    def is_open(self, today: dt.date) -> bool:
        """Active and not past its take-action-before date."""
        return self.status == AppealStatus.ACTIVE and (
            self.deadline is None or self.deadline >= today
        )

    def fingerprint(self) -> dict[str, Any]:
        """Every value that is printed (for cache keys)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AppealCard:
    """A home-page card: one active appeal and its person."""

    case: PublicCase
    appeal: PublicAppeal
