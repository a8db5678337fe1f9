"""Letter reports: staff record letters returned, replied to or delivered, per case and day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.domain.custody import LetterReportKind, facility_at
from tracker.domain.errors import raise_problems
from tracker.domain.messages import M_
from tracker.models import Case, LetterReport, Placement, User
from tracker.services import audit
from tracker.services.cases.fields import check_not_future, clean_line

MAX_COUNT = 10_000
MAX_NOTE = 2000


def facility_on(session: Session, case_id: int, day: dt.date) -> int | None:
    """The facility the person was placed at on `day` (None before any placement)."""
    rows = session.execute(
        select(Placement.facility_id, Placement.effective_on, Placement.id).where(
            Placement.case_id == case_id
        )
    ).all()
    return facility_at([(r[0], r[1], r[2]) for r in rows], day)


def add_letter_report(
    session: Session,
    actor: User | None,
    case: Case,
    kind: LetterReportKind | str,
    on: dt.date,
    *,
    count: int = 1,
    note: str = "",
) -> LetterReport:
    """Record letters of one kind on one day, at the facility the person was in on that day."""
    problems: dict[str, str] = {}
    if str(kind) not in {k.value for k in LetterReportKind}:
        problems["kind"] = M_("Use returned, reply or delivered.")
    try:
        check_not_future(on)
    except ValueError as exc:
        problems["on"] = str(exc)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        problems["count"] = M_("Give a whole number from 1 to %(max)s.", max=MAX_COUNT)
    try:
        text = clean_line(note, multiline=True, max_length=MAX_NOTE)
    except ValueError as exc:
        problems["note"] = str(exc)
        text = ""
    raise_problems(problems)
    report = LetterReport(
        case_id=case.id,
        facility_id=facility_on(session, case.id, on),
        kind=str(kind),
        on=on,
        count=count,
        note=text,
        recorded_by_id=actor.id if actor is not None else None,
    )
    session.add(report)
    session.flush()
    # The note is private: the audit names the report, never its note.
    audit.record(
        session,
        actor,
        "case.letter_report",
        "case",
        case.id,
        ["letter_report"],
        letter_report_id=report.id,
        kind=str(kind),
        on=on.isoformat(),
        count=count,
    )
    return report


def letter_reports_of(session: Session, case_id: int) -> Sequence[LetterReport]:
    """A case's letter reports, oldest first, with their facilities."""
    return session.scalars(
        select(LetterReport)
        .where(LetterReport.case_id == case_id)
        .options(selectinload(LetterReport.facility), selectinload(LetterReport.recorded_by))
        .order_by(LetterReport.on, LetterReport.id)
    ).all()
