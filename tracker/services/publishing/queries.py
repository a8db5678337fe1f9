"""The publishable queries: only cases that are public AND have publicity consent are found.

Everything else is NotFound, exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound
from tracker.domain.vocabulary import AppealStatus
from tracker.models import Appeal, Campaign, Case, StatusChange
from tracker.services.publishing.objects import (
    AppealCard,
    PublicAppeal,
    PublicCase,
    PublicStatusChange,
)
from tracker.services.publishing.rows import (
    APPEAL_COLUMNS,
    CASE_COLUMNS,
    CHANGE_COLUMNS,
    load_appeals,
    load_cases,
    status_change,
)

PUBLISHABLE = and_(Case.is_public.is_(True), Case.consent_publicity.is_(True))


def public_case(session: Session, slug: str) -> PublicCase:
    """The public case with this slug; NotFound when missing or not publishable."""
    found = load_cases(session, select(*CASE_COLUMNS).where(Case.slug == slug, PUBLISHABLE))
    if not found:
        raise NotFound("No such case.")
    return found[0]


def public_cases_by_id(session: Session, ids: Iterable[int]) -> dict[int, PublicCase]:
    """Publishable cases among `ids`."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    cases = load_cases(session, select(*CASE_COLUMNS).where(Case.id.in_(wanted), PUBLISHABLE))
    return {c.id: c for c in cases}


def _appeal_query() -> Select[*tuple[Any, ...]]:
    return (
        select(*APPEAL_COLUMNS)
        .join(Case, Case.id == Appeal.case_id)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .where(PUBLISHABLE, Appeal.status != AppealStatus.DRAFT)
    )


def appeals_of_case(session: Session, case: PublicCase) -> list[PublicAppeal]:
    """The non-draft appeals of a public case, newest first."""
    return load_appeals(
        session,
        _appeal_query().where(Appeal.case_id == case.id).order_by(Appeal.id.desc()),
    )


def public_appeal(session: Session, slug: str, appeal_id: int) -> tuple[PublicCase, PublicAppeal]:
    """A non-draft appeal of a public case; NotFound otherwise."""
    case = public_case(session, slug)
    found = load_appeals(
        session, _appeal_query().where(Appeal.id == appeal_id, Appeal.case_id == case.id)
    )
    if not found:
        raise NotFound("No such letter.")
    return case, found[0]


def active_appeal_cards(
    session: Session,
    today: dt.date,
    *,
    country: str | None = None,
    campaign: str | None = None,
) -> list[AppealCard]:
    """Open appeals of public cases for the home page, filterable by country and campaign."""
    query = _appeal_query().where(Appeal.status == AppealStatus.ACTIVE)
    query = query.where((Appeal.deadline.is_(None)) | (Appeal.deadline >= today))
    if country:
        query = query.where(Case.country == country.upper())
    if campaign:
        query = query.where(Campaign.slug == campaign)
    appeals = load_appeals(session, query.order_by(Appeal.updated_at.desc(), Appeal.id.desc()))
    cases = public_cases_by_id(session, [a.case_id for a in appeals])
    return [AppealCard(cases[a.case_id], a) for a in appeals if a.case_id in cases]


def active_campaign_appeals(session: Session, campaign_slug: str) -> list[AppealCard]:
    """Every active appeal of a campaign (deadline included or not), for the printed pack."""
    query = _appeal_query().where(
        Appeal.status == AppealStatus.ACTIVE, Campaign.slug == campaign_slug
    )
    appeals = load_appeals(session, query.order_by(Case.full_name, Appeal.id))
    cases = public_cases_by_id(session, [a.case_id for a in appeals])
    return [AppealCard(cases[a.case_id], a) for a in appeals if a.case_id in cases]


def filter_choices(
    session: Session, today: dt.date
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Countries and campaigns that have open public appeals: (value, label) pairs."""
    cards = active_appeal_cards(session, today)
    countries = sorted({(c.case.country, c.case.country_name) for c in cards}, key=lambda x: x[1])
    campaigns = sorted(
        {
            (c.appeal.campaign_slug, c.appeal.campaign_name or "")
            for c in cards
            if c.appeal.campaign_slug
        },
        key=lambda x: x[1],
    )
    return countries, campaigns


def other_open_cards(
    session: Session, today: dt.date, exclude_case: int, limit: int = 3
) -> list[AppealCard]:
    """Open appeals of other people, to point to when a letter is no longer served."""
    return [c for c in active_appeal_cards(session, today) if c.case.id != exclude_case][:limit]


def public_changes(
    session: Session, *, to_status: str | None = None, limit: int = 50
) -> list[PublicStatusChange]:
    """Status changes of public cases, newest first (releases only with to_status)."""
    query = (
        select(*CHANGE_COLUMNS, Case.slug, Case.full_name)
        .join(Case, Case.id == StatusChange.case_id)
        .where(PUBLISHABLE)
    )
    if to_status:
        query = query.where(StatusChange.to_status == to_status)
    query = query.order_by(StatusChange.sort_on.desc(), StatusChange.id.desc()).limit(limit)
    return [status_change(r, r.slug, r.full_name) for r in session.execute(query).all()]


def case_photo(session: Session, slug: str) -> tuple[bytes, str]:
    """The photo of a public case with photo consent; NotFound otherwise."""
    row = session.execute(
        select(Case.photo, Case.photo_type).where(
            Case.slug == slug, PUBLISHABLE, Case.consent_photo.is_(True), Case.photo.is_not(None)
        )
    ).first()
    if row is None or not row.photo_type:
        raise NotFound("No photo.")
    return bytes(row.photo), str(row.photo_type)
