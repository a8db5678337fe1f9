"""Read the audit log: newest first, filtered by who acted and by case, a page at a time."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.models import AuditEvent, Case
from tracker.services.pagination import Page, paginate

PER_PAGE = 50


def find_case(session: Session, id_or_reference: str) -> Case | None:
    """The case with this reference, or with this id when it is a number."""
    text = id_or_reference.strip()
    return session.scalar(
        select(Case).where(
            or_(Case.reference == text, Case.id == (int(text) if text.isdigit() else -1))
        )
    )


def audit_page(
    session: Session, *, user_id: int | None, case_id: int | None, page: int
) -> Page[AuditEvent]:
    """Events by `user_id` (any user when None) about `case_id` (any record when None).

    Events about a case are those on the case itself and those whose detail names it
    (its appeals, its imports).
    """
    stmt = select(AuditEvent)
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if case_id is not None:
        stmt = stmt.where(
            or_(
                (AuditEvent.entity_type == "case") & (AuditEvent.entity_id == case_id),
                AuditEvent.detail["case_id"].as_integer() == case_id,
            )
        )
    stmt = stmt.options(selectinload(AuditEvent.user)).order_by(AuditEvent.id.desc())
    return paginate(session, stmt, page, PER_PAGE)
