"""The yearly report of releases from the database: plain rows of public-safe columns, built.

The query selects only public-safe columns (never a private case field, never the internal note
of a status change), so no output can reach them; the public view then names only publishable
cases. The arithmetic is tracker.domain.report's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import extract, func, select, union
from sqlalchemy.orm import Session

from tracker.domain.report import (
    Letters,
    ReleaseReport,
    SectionCounts,
    StatusRow,
    build_report,
    yearly_counts,
)
from tracker.domain.vocabulary import HELD_STATUSES, Status
from tracker.models import Appeal, AppealCounter, Case, StatusChange

SECTIONS = (Status.RELEASED.value, Status.RESTRICTED.value, Status.DIED_IN_CUSTODY.value)
MIN_YEAR, MAX_YEAR = 1900, 2200


def valid_year(year: int) -> bool:
    """True for a year a report can be asked for."""
    return MIN_YEAR <= year <= MAX_YEAR


def load_rows(session: Session, year: int) -> list[StatusRow]:
    """The full histories of the cases with a change to a report section in `year` or the year
    before, as plain rows of public-safe columns (one query)."""
    relevant = relevant_case_ids(year)
    query = (
        select(
            Case.id,
            Case.reference,
            Case.full_name,
            Case.name_native,
            Case.country,
            Case.category,
            Case.is_public,
            Case.consent_publicity,
            StatusChange.id,
            StatusChange.to_status,
            StatusChange.effective_on,
            StatusChange.precision,
            StatusChange.release_kind,
            StatusChange.public_note,
            StatusChange.sort_on,
            Case.summary,
        )
        .join(StatusChange, StatusChange.case_id == Case.id)
        .where(Case.id.in_(relevant))
    )
    return [
        StatusRow(
            case_id=r[0],
            reference=r[1],
            name=r[2],
            name_native=r[3] or "",
            country=r[4],
            category=r[5],
            is_publishable=bool(r[6] and r[7]),
            to_status=r[9],
            effective_on=r[10],
            precision=r[11],
            release_kind=r[12],
            public_note=r[13] or "",
            change_id=r[8],
            sort_on=r[14],
            story=r[15] or "",
        )
        for r in session.execute(query)
    ]


def letters_by_case(session: Session, case_ids: Iterable[int]) -> dict[int, Letters]:
    """Letters downloaded and sent per case, over every appeal and day."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    query = (
        select(Appeal.case_id, func.sum(AppealCounter.downloads), func.sum(AppealCounter.sent))
        .join(AppealCounter, AppealCounter.appeal_id == Appeal.id)
        .where(Appeal.case_id.in_(ids))
        .group_by(Appeal.case_id)
    )
    return {
        case_id: Letters(int(down or 0), int(sent or 0))
        for case_id, down, sent in session.execute(query)
    }


def held_at_end_of_year(session: Session, year: int) -> int:
    """How many cases were held on 31 December of `year` (their latest change by then)."""
    ranked = (
        select(
            StatusChange.to_status,
            func.row_number()
            .over(
                partition_by=StatusChange.case_id,
                order_by=(StatusChange.sort_on.desc(), StatusChange.id.desc()),
            )
            .label("n"),
        )
        .where(StatusChange.sort_on <= dt.date(year, 12, 31))
        .subquery()
    )
    held = [s.value for s in HELD_STATUSES]
    query = select(func.count()).select_from(ranked).where(ranked.c.n == 1)
    return int(session.scalar(query.where(ranked.c.to_status.in_(held))) or 0)


def held_during(session: Session, year: int) -> tuple[int, int]:
    """(held on 31 December of the year before, held at any time in `year`): held when the
    year began, or entering a held status during it (a person released in March counts, as in
    CPJ's and PEN's counts). One ranking of the histories serves both counts."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held = [s.value for s in HELD_STATUSES]
    ranked = (
        select(
            StatusChange.case_id,
            StatusChange.to_status,
            func.row_number()
            .over(
                partition_by=StatusChange.case_id,
                order_by=(StatusChange.sort_on.desc(), StatusChange.id.desc()),
            )
            .label("n"),
        )
        .where(StatusChange.sort_on < start)
        .subquery()
    )
    before = select(ranked.c.case_id).where(ranked.c.n == 1, ranked.c.to_status.in_(held))
    during = select(StatusChange.case_id).where(
        StatusChange.to_status.in_(held),
        StatusChange.sort_on >= start,
        StatusChange.sort_on <= end,
    )
    held_before = select(func.count()).select_from(before.subquery())
    either = select(func.count()).select_from(union(before, during).subquery())
    counts = session.execute(select(held_before.scalar_subquery(), either.scalar_subquery()))
    first, second = counts.one()
    return int(first or 0), int(second or 0)


def release_report(session: Session, year: int, public: bool) -> ReleaseReport:
    """The report of `year` as a domain object."""
    rows = load_rows(session, year)
    held_before, held_in_year = held_during(session, year)
    return build_report(
        rows,
        year,
        public=public,
        letters=letters_by_case(session, (r.case_id for r in rows)),
        held_at_year_end=held_at_end_of_year(session, year),
        held_at_previous_year_end=held_before,
        held_during_year=held_in_year,
    )


def relevant_case_ids(year: int) -> Any:
    """The ids of the cases with a change to a report section in `year` or the year before."""
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    return select(StatusChange.case_id).where(
        StatusChange.to_status.in_(SECTIONS),
        StatusChange.effective_on >= start,
        StatusChange.effective_on <= end,
    )


def year_span(session: Session) -> tuple[int, int] | None:
    """The first and last year with any status change (None when there is none)."""
    first, last = session.execute(
        select(func.min(StatusChange.effective_on), func.max(StatusChange.effective_on))
    ).one()
    if first is None or last is None:
        return None
    this_year = dt.datetime.now(dt.UTC).year
    return min(first.year, this_year), min(last.year, this_year)


def year_index(session: Session) -> list[dict[str, Any]]:
    """Counts of every year that has any status change, newest first."""
    year = extract("year", StatusChange.effective_on)
    # A future year is never listed, whatever a record says (dates after today are refused).
    this_year = dt.datetime.now(dt.UTC).year
    years = {
        int(y) for y in session.scalars(select(year).distinct()) if y is not None and y <= this_year
    }
    events = session.execute(
        select(StatusChange.case_id, year, StatusChange.to_status)
        .where(StatusChange.to_status.in_(SECTIONS), year <= this_year)
        .distinct()
    )
    counts = yearly_counts((case_id, int(y), status) for case_id, y, status in events)
    return [
        {"year": y, **section_counts(counts.get(y, SectionCounts()))}
        for y in sorted(years, reverse=True)
    ]


def section_counts(counts: SectionCounts) -> dict[str, int]:
    """Section counts as JSON-ready data."""
    return {
        "released": counts.released,
        "restricted": counts.restricted,
        "died_in_custody": counts.died_in_custody,
    }
