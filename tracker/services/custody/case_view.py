"""What the staff case page shows of custody: placements, hearings, letter reports, the current
facility and the next hearing, and one timeline of status changes, moves and days in court."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tracker.models import Facility, Hearing, LetterReport, Placement, StatusChange
from tracker.services.custody.facilities import unverified_facilities
from tracker.services.custody.letter_reports import letter_reports_of
from tracker.services.custody.placements import (
    ComingHearing,
    coming_hearings,
    hearings_of,
    placements_of,
)


@dataclass(frozen=True, slots=True)
class CaseCustody:
    """A case's custody records for its staff page."""

    placements: Sequence[Placement]
    hearings: Sequence[Hearing]
    reports: Sequence[LetterReport]
    today: dt.date

    @property
    def current_facility(self) -> Facility | None:
        """Where the person is held now (the newest placement's facility)."""
        return self.placements[-1].facility if self.placements else None

    @property
    def next_hearing(self) -> Hearing | None:
        """The first hearing from today on."""
        return next((h for h in self.hearings if h.on >= self.today), None)


def case_custody(session: Session, case_id: int, today: dt.date) -> CaseCustody:
    """Collect a case's placements, hearings and letter reports."""
    return CaseCustody(
        placements_of(session, case_id),
        hearings_of(session, case_id),
        letter_reports_of(session, case_id),
        today,
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One step of the staff timeline: a status change, a placement or a hearing."""

    kind: str  # "status", "placement" or "hearing"
    on: dt.date
    precision: str
    item: Any


def timeline(history: Sequence[StatusChange], custody: CaseCustody) -> list[TimelineEntry]:
    """Status changes, placements and hearings in one list, newest first."""
    entries = [TimelineEntry("status", c.effective_on, c.precision, c) for c in history]
    entries += [
        TimelineEntry("placement", p.effective_on, p.precision, p) for p in custody.placements
    ]
    entries += [TimelineEntry("hearing", h.on, "day", h) for h in custody.hearings]
    order = {"status": 0, "placement": 1, "hearing": 2}
    entries.sort(key=lambda e: (e.on, order[e.kind], e.item.id), reverse=True)
    return entries


@dataclass(frozen=True, slots=True)
class CustodyAttention:
    """What the staff dashboard shows of custody: coming hearings and addresses to verify."""

    hearings: Sequence[ComingHearing]
    unverified: Sequence[Facility]


def custody_attention(session: Session, today: dt.date, limit: int = 10) -> CustodyAttention:
    """Hearings of held people in the next 30 days, and facilities whose address needs checking."""
    return CustodyAttention(
        coming_hearings(session, today, days=30, limit=limit),
        unverified_facilities(session, today, limit=limit),
    )
