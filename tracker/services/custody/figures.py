"""Each facility's letters over 365 days: posted by supporters, returned, replied to, delivered.

`posted` counts the "I posted it" of solidarity letters (the ones that go to the person) on the
days their person was placed at the facility; returned, replies and delivered are the counts
of staff's letter reports at that facility. Staff figures only: no public output uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.custody import FIGURES_DAYS, LetterFigures, LetterReportKind, stays
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
    """Solidarity letters posted to people while they were at each facility."""
    placed = select(Placement.case_id).where(Placement.facility_id.in_(ids)).distinct()
    moves = session.execute(
        select(
            Placement.case_id, Placement.facility_id, Placement.effective_on, Placement.id
        ).where(Placement.case_id.in_(placed))
    ).all()
    wanted = set(ids)
    by_case: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    for stay in stays((m[0], m[1], m[2], m[3]) for m in moves):
        if stay.facility_id in wanted:
            by_case.setdefault(stay.case_id, []).append((stay.facility_id, stay.start, stay.end))
    if not by_case:
        return {}
    sent = session.execute(
        select(Appeal.case_id, AppealCounter.day, func.sum(AppealCounter.sent))
        .join(Appeal, Appeal.id == AppealCounter.appeal_id)
        .where(
            Appeal.case_id.in_(list(by_case)),
            Appeal.kind == AppealKind.SOLIDARITY.value,
            AppealCounter.day >= start,
            AppealCounter.day <= end,
            AppealCounter.sent > 0,
        )
        .group_by(Appeal.case_id, AppealCounter.day)
    ).all()
    out: dict[int, int] = {}
    for case_id, day, count in sent:
        for facility_id, first, until in by_case.get(case_id, []):
            if first <= day and (until is None or day < until):
                out[facility_id] = out.get(facility_id, 0) + int(count or 0)
                break
    return out
