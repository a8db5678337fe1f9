"""Each facility's letters over 365 days: posted by supporters, returned, replied to, delivered.

`posted` counts the "I posted it" of solidarity letters (the ones that go to the person) on the
days their person was placed at the facility; returned, replies and delivered are the counts
of staff's letter reports at that facility. Staff figures only: no public output uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.custody import FIGURES_DAYS, LetterFigures, LetterReportKind
from tracker.domain.vocabulary import AppealKind
from tracker.models import Appeal, AppealCounter, LetterReport, Placement


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 365 days the figures cover, today included."""
    return today - dt.timedelta(days=FIGURES_DAYS - 1), today


def facility_figures(
    session: Session, facility_ids: Iterable[int], today: dt.date
) -> dict[int, LetterFigures]:
    """The figures of each facility among `facility_ids` (zeros where nothing is known)."""
    ids = sorted(set(facility_ids))
    if not ids:
        return {}
    start, end = window(today)
    reported: dict[tuple[int, str], int] = {}
    for facility_id, kind, total in session.execute(
        select(LetterReport.facility_id, LetterReport.kind, func.sum(LetterReport.count))
        .where(
            LetterReport.facility_id.in_(ids),
            LetterReport.on >= start,
            LetterReport.on <= end,
        )
        .group_by(LetterReport.facility_id, LetterReport.kind)
    ).all():
        reported[(int(facility_id or 0), str(kind))] = int(total or 0)
    posted = _posted(session, ids, start, end)
    return {
        ident: LetterFigures(
            posted=posted.get(ident, 0),
            returned=reported.get((ident, LetterReportKind.RETURNED.value), 0),
            replies=reported.get((ident, LetterReportKind.REPLY.value), 0),
            delivered=reported.get((ident, LetterReportKind.DELIVERED.value), 0),
        )
        for ident in ids
    }


def _posted(session: Session, ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """Solidarity letters posted to people while they were at each facility, in one query.

    A stay runs from a placement to the next placement of the same person (LEAD over their
    placements); an earlier placement of the same day ends where it starts, so the later one
    of that day counts (as tracker.domain.custody.facility_at has it).
    """
    placed = select(Placement.case_id).where(Placement.facility_id.in_(ids))
    stay = (
        select(
            Placement.case_id,
            Placement.facility_id,
            Placement.effective_on.label("first"),
            func.lead(Placement.effective_on)
            .over(partition_by=Placement.case_id, order_by=(Placement.effective_on, Placement.id))
            .label("until"),
        )
        .where(Placement.case_id.in_(placed))
        .subquery()
    )
    rows = session.execute(
        select(stay.c.facility_id, func.sum(AppealCounter.sent))
        .join(Appeal, Appeal.case_id == stay.c.case_id)
        .join(AppealCounter, AppealCounter.appeal_id == Appeal.id)
        .where(
            stay.c.facility_id.in_(ids),
            Appeal.kind == AppealKind.SOLIDARITY.value,
            AppealCounter.day >= start,
            AppealCounter.day <= end,
            AppealCounter.day >= stay.c.first,
            or_(stay.c.until.is_(None), AppealCounter.day < stay.c.until),
        )
        .group_by(stay.c.facility_id)
    ).all()
    return {int(facility_id): int(total or 0) for facility_id, total in rows}
