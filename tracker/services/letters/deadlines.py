"""Take-action-before dates: an active appeal is never saved past its date, and is closed once
the date has passed (by the worker's periodic task and by the first request of each day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_
from tracker.domain.vocabulary import AppealStatus
from tracker.models import Appeal, AuditEvent, Case, User, utcnow
from tracker.services import audit

EXPIRED = "appeal.expire"
SAVED = ("appeal.create", "appeal.update")
SHOWN_DAYS = 30


def check_deadline(appeal: Appeal, today: dt.date) -> None:
    """Refuse an active appeal whose take-action-before date has passed."""
    if (
        appeal.status == AppealStatus.ACTIVE
        and appeal.deadline is not None
        and appeal.deadline < today
    ):
        message = M_(
            "The take-action-before date %(deadline)s has passed: give a date from today on, "
            "remove the date, or save the appeal as closed.",
            deadline=appeal.deadline,
        )
        raise ValidationError(message, {"deadline": message})


def expired_appeals_exist(session: Session, today: dt.date) -> bool:
    """Whether an active appeal is past its take-action-before date (one indexed query)."""
    return (
        session.scalar(
            select(Appeal.id)
            .where(Appeal.status == AppealStatus.ACTIVE, Appeal.deadline < today)
            .limit(1)
        )
        is not None
    )


def close_expired_appeals(session: Session, today: dt.date) -> list[Appeal]:
    """Close every active appeal whose date has passed, each audited as `appeal.expire`."""
    appeals = list(
        session.scalars(
            select(Appeal).where(Appeal.status == AppealStatus.ACTIVE, Appeal.deadline < today)
        )
    )
    for appeal in appeals:
        appeal.status = AppealStatus.CLOSED.value
        appeal.updated_at = utcnow()
    session.flush()
    for appeal in appeals:
        audit.record(
            session,
            None,
            EXPIRED,
            "appeal",
            appeal.id,
            ["status"],
            case_id=appeal.case_id,
            deadline=appeal.deadline.isoformat() if appeal.deadline else None,
        )
    return appeals


@dataclass(frozen=True, slots=True)
class ExpiredAppeal:
    """An appeal closed at its date, for the dashboard of the caseworker who saved it."""

    appeal_id: int
    case_id: int
    case_name: str
    subject: str
    deadline: dt.date | None
    closed_at: dt.datetime


def expired_for(
    session: Session, user: User, now: dt.datetime | None = None, limit: int = 20
) -> Sequence[ExpiredAppeal]:
    """Appeals closed at their date in the last 30 days that `user` saved last or whose case
    is assigned to them, newest first."""
    since = (now or utcnow()) - dt.timedelta(days=SHOWN_DAYS)
    events = session.execute(
        select(AuditEvent.entity_id, AuditEvent.at)
        .where(AuditEvent.action == EXPIRED, AuditEvent.at >= since)
        .order_by(AuditEvent.id.desc())
        .limit(500)
    ).all()
    ids = [e.entity_id for e in events if e.entity_id is not None]
    if not ids:
        return []
    saved_by: dict[int | None, int | None] = {}
    for entity_id, user_id in session.execute(
        select(AuditEvent.entity_id, AuditEvent.user_id)
        .where(AuditEvent.action.in_(SAVED), AuditEvent.entity_id.in_(ids))
        .order_by(AuditEvent.id)
    ):
        saved_by[entity_id] = user_id
    rows = {
        r.id: r
        for r in session.execute(
            select(
                Appeal.id,
                Appeal.case_id,
                Appeal.subject,
                Appeal.deadline,
                Case.full_name,
                Case.assigned_to_id,
            )
            .join(Case, Case.id == Appeal.case_id)
            .where(Appeal.id.in_(ids))
        )
    }
    found: list[ExpiredAppeal] = []
    for entity_id, at in events:
        row = rows.get(entity_id or 0)
        if row is None or user.id not in (saved_by.get(row.id), row.assigned_to_id):
            continue
        found.append(
            ExpiredAppeal(row.id, row.case_id, row.full_name, row.subject, row.deadline, at)
        )
    return found[:limit]
