"""What the staff dashboard shows: counts by status, cases needing attention, latest changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import Status
from tracker.models import AuditEvent, Case, utcnow

STALE_AFTER = dt.timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The figures and lists of the dashboard."""

    counts: dict[str, int]
    total: int
    attention: Sequence[Case]
    attention_total: int
    latest: Sequence[tuple[AuditEvent, Case | None]]


def needs_attention(now: dt.datetime | None = None) -> object:
    """Cases unchanged for 90 days, or arrested with no status change recorded since."""
    cutoff = (now or utcnow()) - STALE_AFTER
    return or_(
        Case.updated_at < cutoff,
        Case.arrested_on.is_not(None)
        & (Case.status_since.is_(None) | (Case.status_since < Case.arrested_on)),
    )


def build_dashboard(session: Session, limit: int = 10) -> Dashboard:
    """Collect the dashboard in a handful of indexed queries."""
    rows = session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
    counts = {s.value: 0 for s in Status}
    for status, n in rows:
        counts[status] = n
    condition = needs_attention()
    attention_total = (
        session.scalar(select(func.count()).select_from(Case).where(condition))  # type: ignore[arg-type]
        or 0
    )
    attention = session.scalars(
        select(Case).where(condition).order_by(Case.updated_at.asc()).limit(limit)  # type: ignore[arg-type]
    ).all()
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "case")
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    ids = {e.entity_id for e in events if e.entity_id is not None}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
    latest = [(e, cases.get(e.entity_id or 0)) for e in events]
    return Dashboard(counts, sum(counts.values()), attention, attention_total, latest)
