"""Where a person may be written to, for public output: only with their consent.

That a person is held at a facility is private (DESIGN.md section 5). It reaches a public
letter, page or PDF only when the case records consent_detention_address and the facility
accepts letters; then the facility's address and letter rules are public with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session

from tracker.domain.custody import LetterRules
from tracker.domain.values import country_name
from tracker.models import Case, Facility, Placement
from tracker.services.publishing.objects import AppealCard, PublicCase, PublicFacility


def current_facility_id() -> ScalarSelect[int]:
    """The facility of a case's newest placement, correlated to `Case` (by the case index)."""
    return (
        select(Placement.facility_id)
        .where(Placement.case_id == Case.id)
        .order_by(Placement.effective_on.desc(), Placement.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def mail_facilities(session: Session, case_ids: Iterable[int]) -> dict[int, PublicFacility]:
    """The facility of each consenting case among `case_ids` whose facility accepts letters."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Case.id.label("case_id"),
            Facility.id,
            Facility.name,
            Facility.name_native,
            Facility.address_lines,
            Facility.address_lines_native,
            Facility.country,
            Facility.letter_rules,
            Facility.version,
        )
        .join(Facility, Facility.id == current_facility_id())
        .where(
            Case.id.in_(wanted),
            Case.consent_detention_address.is_(True),
            Facility.accepts_letters.is_(True),
        )
    ).all()
    return {
        r.case_id: PublicFacility(
            id=r.id,
            name=r.name,
            name_native=r.name_native or "",
            address_lines=tuple(r.address_lines or ()),
            address_lines_native=tuple(r.address_lines_native or ()),
            country=r.country,
            country_name=country_name(r.country),
            rules=LetterRules.from_stored(r.letter_rules),
            version=r.version,
        )
        for r in rows
    }


def public_letter_rules(card: AppealCard | PublicCase) -> LetterRules | None:
    """The letter rules of the prison a letter's person is held at, for the public letter page.

    None unless the person consented to their detention address being used and their facility
    accepts letters (or when nothing of its rules is known).
    """
    case = card.case if isinstance(card, AppealCard) else card
    facility = case.mail_facility
    if facility is None or facility.rules.is_empty:
        return None
    return facility.rules


def forwarding_address() -> tuple[str, ...]:
    """The organisation's forwarding address: FORWARDING_ADDRESS of the instance config."""
    if not has_app_context():
        return ()
    lines = current_app.config.get("FORWARDING_ADDRESS") or ()
    if isinstance(lines, str):
        lines = lines.splitlines()
    return tuple(str(line).strip() for line in lines if str(line).strip())
