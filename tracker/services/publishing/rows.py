"""Frozen public objects from rows: the public columns to select and the loaders that fill them.

Every loader selects only the columns listed here, so no private field is ever read. Used by the
public queries (tracker.services.publishing.queries) and by the staff's printable letters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.domain.values import country_name
from tracker.models import Addressee, Appeal, Campaign, Case, StatusChange, appeal_copies
from tracker.services.publishing.custody import mail_facilities
from tracker.services.publishing.objects import (
    PublicAddressee,
    PublicAppeal,
    PublicCase,
    PublicStatusChange,
)

CASE_COLUMNS = (
    Case.id,
    Case.slug,
    Case.full_name,
    Case.name_native,
    Case.country,
    Case.category,
    Case.profession,
    Case.arrested_on,
    Case.arrested_on_precision,
    Case.place_of_detention,
    Case.charges,
    Case.sentence,
    Case.summary,
    Case.status,
    Case.status_since,
    Case.status_since_precision,
    Case.consent_photo,
    Case.photo_type,
)
CHANGE_COLUMNS = (
    StatusChange.id,
    StatusChange.case_id,
    StatusChange.from_status,
    StatusChange.to_status,
    StatusChange.effective_on,
    StatusChange.precision,
    StatusChange.release_kind,
    StatusChange.public_note,
    StatusChange.recorded_at,
)
ADDRESSEE_COLUMNS = (
    Addressee.id,
    Addressee.honorific,
    Addressee.name,
    Addressee.position,
    Addressee.institution,
    Addressee.address_lines,
    Addressee.country,
    Addressee.email,
    Addressee.salutation,
    Addressee.language,
    Addressee.version,
)
APPEAL_COLUMNS = (
    Appeal.id,
    Appeal.case_id,
    Appeal.kind,
    Appeal.language,
    Appeal.addressee_id,
    Appeal.subject,
    Appeal.body,
    Appeal.asks,
    Appeal.deadline,
    Appeal.status,
    Appeal.version,
    Appeal.updated_at,
    Campaign.slug.label("campaign_slug"),
    Campaign.name.label("campaign_name"),
)


def load_cases(session: Session, query: Select[*tuple[Any, ...]]) -> list[PublicCase]:
    """The cases a query of CASE_COLUMNS finds, each with its public status history."""
    rows = session.execute(query).all()
    histories = _histories(session, [(r.id, r.slug, r.full_name) for r in rows])
    facilities = mail_facilities(session, [r.id for r in rows])
    return [
        PublicCase(
            id=r.id,
            slug=r.slug,
            name=r.full_name,
            name_native=r.name_native or "",
            country=r.country,
            country_name=country_name(r.country),
            category=r.category,
            profession=r.profession or "",
            arrested_on=r.arrested_on,
            arrested_on_precision=r.arrested_on_precision,
            place_of_detention=r.place_of_detention or "",
            charges=r.charges or "",
            sentence=r.sentence or "",
            summary=r.summary or "",
            status=r.status,
            status_since=r.status_since,
            status_since_precision=r.status_since_precision,
            has_photo=bool(r.consent_photo and r.photo_type),
            history=histories.get(r.id, ()),
            mail_facility=facilities.get(r.id),
        )
        for r in rows
    ]


def _histories(
    session: Session, cases: Sequence[tuple[int, str, str]]
) -> dict[int, tuple[PublicStatusChange, ...]]:
    if not cases:
        return {}
    names = {ident: (slug, name) for ident, slug, name in cases}
    rows = session.execute(
        select(*CHANGE_COLUMNS)
        .where(StatusChange.case_id.in_(list(names)))
        .order_by(StatusChange.case_id, StatusChange.sort_on, StatusChange.id)
    ).all()
    out: dict[int, list[PublicStatusChange]] = {}
    for r in rows:
        slug, name = names[r.case_id]
        out.setdefault(r.case_id, []).append(status_change(r, slug, name))
    return {k: tuple(v) for k, v in out.items()}


def status_change(r: Any, slug: str, name: str) -> PublicStatusChange:
    """A row of CHANGE_COLUMNS as one step of a public timeline."""
    return PublicStatusChange(
        id=r.id,
        case_id=r.case_id,
        case_slug=slug,
        case_name=name,
        from_status=r.from_status,
        to_status=r.to_status,
        effective_on=r.effective_on,
        precision=r.precision,
        release_kind=r.release_kind,
        public_note=r.public_note or "",
        recorded_at=r.recorded_at,
    )


def load_addressees(session: Session, ids: Iterable[int]) -> dict[int, PublicAddressee]:
    """Addressees by id, as a letter prints them."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(*ADDRESSEE_COLUMNS).where(Addressee.id.in_(wanted))).all()
    return {
        r.id: PublicAddressee(
            id=r.id,
            honorific=r.honorific or "",
            name=r.name,
            position=r.position or "",
            institution=r.institution or "",
            address_lines=tuple(r.address_lines or ()),
            country=r.country,
            country_name=country_name(r.country),
            email=r.email or "",
            salutation=r.salutation or "",
            language=r.language or "en",
            version=r.version,
        )
        for r in rows
    }


def load_appeals(session: Session, query: Select[*tuple[Any, ...]]) -> list[PublicAppeal]:
    """The appeals a query of APPEAL_COLUMNS finds, with their addressee and copies."""
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    copies = session.execute(
        select(appeal_copies.c.appeal_id, appeal_copies.c.addressee_id)
        .where(appeal_copies.c.appeal_id.in_(ids))
        .order_by(appeal_copies.c.appeal_id, appeal_copies.c.position)
    ).all()
    copy_ids: dict[int, list[int]] = {}
    for appeal_id, addressee_id in copies:
        copy_ids.setdefault(appeal_id, []).append(addressee_id)
    addressees = load_addressees(
        session,
        [r.addressee_id for r in rows if r.addressee_id] + [a for _, a in copies],
    )
    return [
        PublicAppeal(
            id=r.id,
            case_id=r.case_id,
            kind=r.kind,
            language=r.language or "en",
            subject=r.subject or "",
            body=r.body or "",
            asks=tuple(r.asks or ()),
            deadline=r.deadline,
            status=r.status,
            version=r.version,
            updated_at=r.updated_at,
            campaign_slug=r.campaign_slug,
            campaign_name=r.campaign_name,
            addressee=addressees.get(r.addressee_id) if r.addressee_id else None,
            copies_to=tuple(addressees[a] for a in copy_ids.get(r.id, []) if a in addressees),
        )
        for r in rows
    ]
