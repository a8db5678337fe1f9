"""What the staff dashboard shows: counts by status, cases needing attention (and why: see
services/attention), latest changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import Status
from tracker.models import AuditEvent, Case, utcnow
from tracker.services.attention import CaseAttention, attention_by_case


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The figures and lists of the dashboard."""

    counts: dict[str, int]
    total: int
    attention: Sequence[CaseAttention]
    attention_total: int  # cases listed (up to `limit` items of each reason)
    latest: Sequence[tuple[AuditEvent, Case | None]]
    attention_more: bool = False  # some reason has more items than were listed


def build_dashboard(session: Session, limit: int = 10, today: dt.date | None = None) -> Dashboard:
    """Collect the dashboard in a handful of indexed queries."""
    rows = session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
    counts = {s.value: 0 for s in Status}
    for status, n in rows:
        counts[status] = n
    attention, more = attention_by_case(session, today or utcnow().date(), limit=limit)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "case")
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    ids = {e.entity_id for e in events if e.entity_id is not None}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
    latest = [(e, cases.get(e.entity_id or 0)) for e in events]
    return Dashboard(counts, sum(counts.values()), attention, len(attention), latest, more)
