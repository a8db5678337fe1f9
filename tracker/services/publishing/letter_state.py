"""The state of a public letter: the versions of everything it prints, from one small query.

It decides whether a letter may be served and which cached PDF is the right one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound
from tracker.domain.vocabulary import AppealStatus
from tracker.models import Addressee, Appeal, Case, Facility, Placement, appeal_copies
from tracker.services.publishing.custody import forwarding_address
from tracker.services.publishing.queries import PUBLISHABLE


@dataclass(frozen=True, slots=True)
class AppealState:
    """What decides whether and which letter PDF to serve, from one small query."""

    case_id: int
    case_name: str
    appeal_id: int
    status: str
    deadline: dt.date | None
    versions: tuple[Any, ...]
    # The text may use `today` or `case.days_detained`: its letter changes every day.
    daily: bool = False
    # `appeal` or `solidarity`: a solidarity letter's guidance page speaks its reader's language.
    kind: str = "appeal"

    def is_open(self, today: dt.date) -> bool:
        """Active and not past its take-action-before date."""
        return self.status == AppealStatus.ACTIVE and (
            self.deadline is None or self.deadline >= today
        )


@lru_cache(maxsize=1)
def _state_query() -> Select[*tuple[Any, ...]]:
    """The one query behind every letter download, built once (only its parameters change)."""
    copies = (
        select(
            func.count(Addressee.id),
            func.coalesce(func.sum(Addressee.version), 0),
            func.coalesce(func.sum(Addressee.id * 1000 + appeal_copies.c.position), 0),
        )
        .join(appeal_copies, appeal_copies.c.addressee_id == Addressee.id)
        .where(appeal_copies.c.appeal_id == Appeal.id)
    )
    counted, version_sum, placed = (
        copies.with_only_columns(column).scalar_subquery() for column in copies.selected_columns
    )
    # Where a solidarity letter goes: the newest placement's facility and its version.
    newest = (Placement.effective_on.desc(), Placement.id.desc())
    facility_id = (
        select(Placement.facility_id)
        .where(Placement.case_id == Case.id)
        .order_by(*newest)
        .limit(1)
        .scalar_subquery()
    )
    facility_version = (
        select(Facility.version)
        .join(Placement, Placement.facility_id == Facility.id)
        .where(Placement.case_id == Case.id)
        .order_by(*newest)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            Appeal.id,
            Appeal.case_id,
            Appeal.status,
            Appeal.deadline,
            Appeal.kind,
            Appeal.version,
            Appeal.created_at,
            Case.full_name,
            Case.version.label("case_version"),
            Case.created_at.label("case_created_at"),
            Addressee.version.label("addressee_version"),
            counted.label("copies_count"),
            version_sum.label("copies_versions"),
            placed.label("copies_places"),
            facility_id.label("facility_id"),
            facility_version.label("facility_version"),
            or_(
                *(
                    column.contains(word)
                    for column in (Appeal.subject, Appeal.body)
                    for word in ("today", "days_detained")
                )
            ).label("daily"),
        )
        .join(Case, Case.id == Appeal.case_id)
        .outerjoin(Addressee, Addressee.id == Appeal.addressee_id)
        .where(
            Appeal.id == bindparam("appeal_id"),
            Case.slug == bindparam("slug"),
            PUBLISHABLE,
            Appeal.status != AppealStatus.DRAFT,
        )
    )


def appeal_state(session: Session, slug: str, appeal_id: int) -> AppealState:
    """Versions of everything printed on a letter (case, appeal, addressees); NotFound if hidden.

    Every UPDATE of a case, appeal or addressee row grows its version (status changes too),
    so these versions change whenever the printed letter can change. The copies-to addressees
    enter as their count, the sum of their versions (which only grow) and the sum of
    id x 1000 + position, so editing, adding, removing or reordering one changes the key.
    One prepared Core query: a cached download costs a single round trip.
    """
    row = (
        session.connection().execute(_state_query(), {"slug": slug, "appeal_id": appeal_id}).first()
    )
    if row is None:
        raise NotFound("No such letter.")
    versions = (
        row.version,
        row.case_version,
        row.addressee_version,
        (row.copies_count, row.copies_versions, row.copies_places),
        # Which rows these are, not only their versions: after a restore or a re-import into
        # a new database, ids and versions start again while the disk cache remains.
        (slug, row.case_id, row.created_at, row.case_created_at),
        # A move, a facility edit or a new forwarding address readdresses solidarity letters.
        (row.facility_id, row.facility_version, forwarding_address()),
    )
    return AppealState(
        row.case_id,
        row.full_name,
        row.id,
        row.status,
        row.deadline,
        versions,
        bool(row.daily),
        str(row.kind),
    )
