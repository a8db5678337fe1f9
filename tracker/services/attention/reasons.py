"""The reasons a case needs attention, each a query: (session, today) -> items that say why.

A new reason is one function here, one line in REASONS, and its sentence in the dashboard and
mail templates (staff/_attention.html, mail/digest.*).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.attention import (
    DEADLINE_WITHIN,
    HEARING_WITHIN,
    HELD_QUIET,
    Reason,
    consent_due,
    consent_given_before,
    consent_review_on,
)
from tracker.domain.custody import VERIFY_EVERY, needs_verification
from tracker.domain.vocabulary import HELD_STATUSES, AppealStatus
from tracker.models import Appeal, Case, Facility, Hearing, Placement

HELD = [s.value for s in HELD_STATUSES]


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One reason one case needs attention: `on` is the date it is about, `detail` the words
    that go with it (an appeal's subject, a court, who gave a consent)."""

    reason: Reason
    case_id: int
    reference: str
    name: str
    status: str
    assigned_to_id: int | None
    on: dt.date | None = None
    detail: str = ""
    kind: str = ""  # which consent, which hearing kind


Find = Callable[[Session, dt.date, int | None], Iterable[AttentionItem]]
CASE = (Case.id, Case.reference, Case.full_name, Case.status, Case.assigned_to_id)


def _item(reason: Reason, r: Any, **more: Any) -> AttentionItem:
    """An item for a row that holds the CASE columns."""
    return AttentionItem(reason, r.id, r.reference, r.full_name, r.status, r.assigned_to_id, **more)


def appeal_deadlines(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """Active or draft appeals whose take-action-before date is within the next 7 days."""
    rows = session.execute(
        select(*CASE, Appeal.deadline, Appeal.subject)
        .join(Appeal, Appeal.case_id == Case.id)
        .where(
            Appeal.status.in_([AppealStatus.ACTIVE.value, AppealStatus.DRAFT.value]),
            Appeal.deadline >= today,
            Appeal.deadline <= today + DEADLINE_WITHIN,
        )
        .order_by(Appeal.deadline, Case.reference)
        .limit(limit)
    )
    for r in rows:
        yield _item(Reason.APPEAL_DEADLINE, r, on=r.deadline, detail=r.subject)


def hearings_soon(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """Days in court within the next 14 days, for people still held."""
    rows = session.execute(
        select(*CASE, Hearing.on, Hearing.kind, Hearing.court)
        .join(Hearing, Hearing.case_id == Case.id)
        .where(
            Case.status.in_(HELD),
            Hearing.on >= today,
            Hearing.on <= today + HEARING_WITHIN,
        )
        .order_by(Hearing.on, Case.reference)
        .limit(limit)
    )
    for r in rows:
        yield _item(Reason.HEARING, r, on=r.on, detail=r.court, kind=r.kind)


def held_without_change(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """People still held whose case has not changed (status or edit) in 90 days; a released,
    dead or closed case is never stale."""
    cutoff = dt.datetime.combine(today - HELD_QUIET, dt.time(), tzinfo=dt.UTC)
    rows = session.execute(
        select(*CASE, Case.updated_at)
        .where(Case.status.in_(HELD), Case.updated_at < cutoff)
        .order_by(Case.updated_at, Case.reference)
        .limit(limit)
    )
    for r in rows:
        yield _item(Reason.HELD_NO_CHANGE, r, on=r.updated_at.date())


def arrest_not_recorded(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """People held whose arrest date is later than their latest status: the arrest is
    missing from the history."""
    rows = session.execute(
        select(*CASE, Case.arrested_on)
        .where(
            Case.status.in_(HELD),
            Case.arrested_on.is_not(None),
            Case.status_since.is_(None) | (Case.status_since < Case.arrested_on),
        )
        .order_by(Case.reference)
        .limit(limit)
    )
    for r in rows:
        yield _item(Reason.ARREST_NOT_RECORDED, r, on=r.arrested_on)


CONSENTS = ("publicity", "photo", "detention_address")


def consents_to_review(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """Consents recorded on cases still held or shown to the public, due for their yearly
    re-confirmation (or recorded without a date); `on` is the review day, None if no date."""
    given_before = consent_given_before(today)
    for kind in CONSENTS:
        given = getattr(Case, f"consent_{kind}")
        given_by, given_on = (
            getattr(Case, f"consent_{kind}_by"),
            getattr(Case, f"consent_{kind}_on"),
        )
        in_use = Case.status.in_(HELD) | (Case.is_public & Case.consent_publicity)
        rows = session.execute(
            select(*CASE, given_by.label("by"), given_on.label("given_on"))
            .where(
                given.is_(True),
                in_use,
                given_on.is_(None) | (given_on <= given_before),
            )
            .order_by(given_on, Case.reference)
            .limit(limit)
        )
        for r in rows:
            if consent_due(r.given_on, today):
                review = consent_review_on(r.given_on) if r.given_on else None
                yield _item(Reason.CONSENT, r, on=review, detail=r.by or "", kind=kind)


def addresses_unverified(
    session: Session, today: dt.date, limit: int | None = None
) -> Iterable[AttentionItem]:
    """People held at a facility (their newest placement) whose address was never verified,
    or not for 180 days: letters may not reach them."""
    # The newest placement as the custody pages rank it (by date, then as recorded).
    ranked = select(
        Placement.case_id,
        Placement.facility_id,
        func.row_number()
        .over(
            partition_by=Placement.case_id,
            order_by=(Placement.effective_on.desc(), Placement.id.desc()),
        )
        .label("rank"),
    ).subquery()
    rows = session.execute(
        select(*CASE, Facility.name.label("facility"), Facility.address_verified_on)
        .join(ranked, ranked.c.case_id == Case.id)
        .join(Facility, Facility.id == ranked.c.facility_id)
        .where(
            ranked.c.rank == 1,
            Case.status.in_(HELD),
            Facility.address_verified_on.is_(None)
            | (Facility.address_verified_on < today - VERIFY_EVERY),
        )
        .order_by(Facility.address_verified_on, Case.reference)
        .limit(limit)
    )
    for r in rows:
        if needs_verification(r.address_verified_on, today):
            yield _item(Reason.ADDRESS_UNVERIFIED, r, on=r.address_verified_on, detail=r.facility)


REASONS: Sequence[tuple[Reason, Find]] = (
    (Reason.APPEAL_DEADLINE, appeal_deadlines),
    (Reason.HEARING, hearings_soon),
    (Reason.HELD_NO_CHANGE, held_without_change),
    (Reason.ARREST_NOT_RECORDED, arrest_not_recorded),
    (Reason.CONSENT, consents_to_review),
    (Reason.ADDRESS_UNVERIFIED, addresses_unverified),
)
