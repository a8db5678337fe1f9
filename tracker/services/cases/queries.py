"""What the staff pages and the API read about cases, besides the search of the case list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.models import Case, StatusChange


def case_id_by_reference(session: Session, reference: str) -> int | None:
    """The id of the case with this reference, whatever its letter case (IMP-1 is imp-1)."""
    return session.scalar(select(Case.id).where(func.lower(Case.reference) == reference.lower()))


def history_of(session: Session, case_id: int, *, newest_first: bool) -> Sequence[StatusChange]:
    """The status changes of a case with who recorded them, by effective date."""
    order = (
        (StatusChange.effective_on.desc(), StatusChange.id.desc())
        if newest_first
        else (StatusChange.effective_on, StatusChange.id)
    )
    return session.scalars(
        select(StatusChange)
        .where(StatusChange.case_id == case_id)
        .options(selectinload(StatusChange.recorded_by))
        .order_by(*order)
    ).all()
