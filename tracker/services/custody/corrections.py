"""Remove a placement, hearing or letter report recorded by mistake (a hearing postponed, a
move entered on the wrong case). The audit log keeps what was removed, without private notes;
the case's current facility and next hearing follow at once."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound
from tracker.models import Case, Hearing, LetterReport, Placement, User
from tracker.services import audit

Row = TypeVar("Row", Placement, Hearing, LetterReport)


def _row_of(session: Session, model: type[Row], case: Case, row_id: int, what: str) -> Row:
    row = session.get(model, row_id)
    if row is None or row.case_id != case.id:
        raise NotFound(f"No {what} {row_id} on this case.")
    return row


def remove_placement(session: Session, actor: User | None, case: Case, placement_id: int) -> None:
    """Remove a move; the newest remaining placement becomes where the person is held."""
    row = _row_of(session, Placement, case, placement_id, "placement")
    detail = {
        "placement_id": row.id,
        "facility_id": row.facility_id,
        "effective_on": row.effective_on.isoformat(),
    }
    session.delete(row)
    session.flush()
    session.expire(case, ["placements"])
    audit.record(
        session, actor, "case.placement_removed", "case", case.id, ["facility_id"], **detail
    )


def remove_hearing(session: Session, actor: User | None, case: Case, hearing_id: int) -> None:
    """Remove a day in court (postponed, cancelled or entered by mistake)."""
    row = _row_of(session, Hearing, case, hearing_id, "hearing")
    detail = {"hearing_id": row.id, "on": row.on.isoformat(), "kind": row.kind}
    session.delete(row)
    session.flush()
    audit.record(session, actor, "case.hearing_removed", "case", case.id, ["hearing"], **detail)


def remove_letter_report(session: Session, actor: User | None, case: Case, report_id: int) -> None:
    """Remove a letter report; the facility's figures no longer count it."""
    row = _row_of(session, LetterReport, case, report_id, "letter report")
    # The note is private: the audit names the report, never its note.
    detail = {
        "letter_report_id": row.id,
        "kind": row.kind,
        "on": row.on.isoformat(),
        "count": row.count,
    }
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "case.letter_report_removed", "case", case.id, ["letter_report"], **detail
    )
