"""Write audit events: who did what to which record, naming fields but never private values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from tracker.models import AuditEvent, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str | None = None,
    entity_id: int | None = None,
    fields: Iterable[str] = (),
    **detail: Any,
) -> AuditEvent:
    """Add one audit event; `detail` must hold only non-private context."""
    event = AuditEvent(
        user_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(fields),
        detail=detail,
    )
    session.add(event)
    return event
