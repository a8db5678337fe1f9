"""Letters as staff preview and print them: any case and any appeal status, public columns only.

The letter still holds only the public columns, so a staff PDF can be handed out without
leaking private fields.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import Appeal, Campaign, Case
from tracker.services.publishing.objects import PublicAppeal, PublicCase
from tracker.services.publishing.rows import (
    APPEAL_COLUMNS,
    CASE_COLUMNS,
    load_appeals,
    load_cases,
)


def printable_case(session: Session, case_id: int) -> PublicCase | None:
    """The public columns of any case (published or not), as a letter prints them."""
    found = load_cases(session, select(*CASE_COLUMNS).where(Case.id == case_id))
    return found[0] if found else None


def printable_appeal(session: Session, appeal_id: int) -> PublicAppeal | None:
    """Any appeal (draft, active or closed), as a letter prints it."""
    query = (
        select(*APPEAL_COLUMNS)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .where(Appeal.id == appeal_id)
    )
    found = load_appeals(session, query)
    return found[0] if found else None
