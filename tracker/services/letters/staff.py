"""What the staff letter pages read: letters of any case or status, counters by day, edit history.

Letters are built from the same frozen public objects as the supporter site (so a preview shows
exactly what is printed), but for any case and any appeal status: staff preview drafts and
render closed appeals.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, undefer

from tracker.domain.errors import NotFound
from tracker.models import Addressee, Appeal, AppealCounter, AuditEvent, Campaign, Case
from tracker.services.letters.compose import LetterError, letter_context
from tracker.services.letters.printable import printable_appeal, printable_case
from tracker.services.pagination import Page, paginate
from tracker.services.publishing.objects import AppealCard, PublicAppeal, PublicCase
from tracker.services.publishing.rows import load_addressees

CHART_DAYS = 30


def _case(session: Session, case_id: int) -> PublicCase:
    # The public columns only, without the publishable filter: staff see every case.
    found = printable_case(session, case_id)
    if found is None:
        raise NotFound(f"No case {case_id}.")
    return found


def staff_card(session: Session, appeal_id: int) -> AppealCard:
    """The letter of any appeal (draft, active or closed) of any case, as it is printed."""
    appeal = printable_appeal(session, appeal_id)
    if appeal is None:
        raise NotFound(f"No appeal {appeal_id}.")
    return AppealCard(_case(session, appeal.case_id), appeal)


def filled_subject(session: Session, appeal_id: int, today: dt.date) -> str:
    """The appeal's subject as its letter prints it (placeholders filled in), for headings.

    The raw template when the letter cannot be filled in (the page shows why beside it).
    """
    try:
        card = staff_card(session, appeal_id)
        subject = letter_context(card, today=today, sender_mode="lines")["subject"]
    except (LetterError, NotFound):
        appeal = session.get(Appeal, appeal_id)
        return appeal.subject if appeal else ""
    # The plain text of the escaped subject, without the bidi isolates the PDF needs.
    plain = Markup(subject).unescape()  # noqa: S704  (escaped by the letter sandbox)
    return plain.translate({0x2068: None, 0x2069: None})


def preview_card(
    session: Session, case_id: int, appeal_id: int | None, cleaned: Mapping[str, Any]
) -> AppealCard:
    """The letter as it would print with typed (already validated) fields, without saving."""
    if appeal_id is not None:
        base = staff_card(session, appeal_id)
        case, appeal = base.case, base.appeal
    else:
        case = _case(session, case_id)
        appeal = PublicAppeal(
            id=0,
            case_id=case_id,
            kind="appeal",
            language="en",
            subject="",
            body="",
            asks=(),
            deadline=None,
            status="draft",
            version=0,
            updated_at=dt.datetime.now(dt.UTC),
            campaign_slug=None,
            campaign_name=None,
            addressee=None,
            copies_to=(),
        )
    changes: dict[str, Any] = {}
    for name in ("kind", "language", "subject", "body", "deadline", "status"):
        if name in cleaned:
            changes[name] = cleaned[name]
    if "asks" in cleaned:
        changes["asks"] = tuple(cleaned["asks"])
    copies = [a.id for a in cleaned.get("copies_to", [])]
    wanted = [cleaned.get("addressee_id"), *copies]
    found = load_addressees(session, [i for i in wanted if i])
    if "addressee_id" in cleaned:
        ident = cleaned["addressee_id"]
        changes["addressee"] = found.get(ident) if ident else None
    if "copies_to" in cleaned:
        changes["copies_to"] = tuple(found[i] for i in copies if i in found)
    return AppealCard(case, dataclasses.replace(appeal, **changes))


def changed_fields_since(
    session: Session, entity_type: str, entity_id: int, version: int
) -> list[str]:
    """Names of the fields changed by edits saved after `version` (from the audit log)."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id
        )
    )
    names: set[str] = set()
    for event in events:
        if int((event.detail or {}).get("version", 0)) > version:
            names.update(event.fields)
    return sorted(names)


@dataclass(frozen=True, slots=True)
class DayCount:
    """Downloads and letters sent on one day."""

    day: dt.date
    downloads: int
    sent: int


@dataclass(frozen=True, slots=True)
class CounterChart:
    """Counts per day over a period, with totals over all time, for a small chart."""

    days: tuple[DayCount, ...]
    total_downloads: int
    total_sent: int

    @property
    def peak(self) -> int:
        return max((max(d.downloads, d.sent) for d in self.days), default=0)

    @property
    def is_empty(self) -> bool:
        return self.total_downloads == 0 and self.total_sent == 0


def counter_chart(
    session: Session, appeal_ids: Sequence[int], today: dt.date, days: int = CHART_DAYS
) -> CounterChart:
    """Downloads and letters sent per day for the last `days` days (summed over the appeals)."""
    start = today - dt.timedelta(days=days - 1)
    ids = list(appeal_ids)
    by_day: dict[dt.date, tuple[int, int]] = {}
    totals = (0, 0)
    if ids:
        rows = session.execute(
            select(
                AppealCounter.day,
                func.sum(AppealCounter.downloads),
                func.sum(AppealCounter.sent),
            )
            .where(AppealCounter.appeal_id.in_(ids), AppealCounter.day >= start)
            .group_by(AppealCounter.day)
        ).all()
        by_day = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}
        total = session.execute(
            select(func.sum(AppealCounter.downloads), func.sum(AppealCounter.sent)).where(
                AppealCounter.appeal_id.in_(ids)
            )
        ).one()
        totals = (int(total[0] or 0), int(total[1] or 0))
    series = tuple(
        DayCount(day, *by_day.get(day, (0, 0)))
        for day in (start + dt.timedelta(days=n) for n in range(days))
    )
    return CounterChart(series, totals[0], totals[1])


def appeals_of_case(session: Session, case_id: int) -> list[Appeal]:
    """Every appeal of a case, newest first."""
    return list(
        session.scalars(select(Appeal).where(Appeal.case_id == case_id).order_by(Appeal.id.desc()))
    )


def appeals_of_campaign(session: Session, campaign_id: int) -> list[Appeal]:
    """Every appeal of a campaign, by case name."""
    return list(
        session.scalars(
            select(Appeal)
            .join(Case, Case.id == Appeal.case_id)
            .where(Appeal.campaign_id == campaign_id)
            .order_by(Case.full_name, Appeal.id)
        )
    )


def addressee_usage(session: Session) -> dict[int, int]:
    """How many appeals address (or copy) each addressee, by addressee id."""
    rows = session.execute(
        select(Appeal.addressee_id, func.count()).group_by(Appeal.addressee_id)
    ).all()
    return {int(r[0]): int(r[1]) for r in rows if r[0] is not None}


def all_addressees(session: Session) -> list[Addressee]:
    """The directory, by name."""
    return list(session.scalars(select(Addressee).order_by(Addressee.name, Addressee.id)))


def all_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(session.scalars(select(Campaign).order_by(Campaign.id.desc())))


def appeals_of_case_by_id(session: Session, case_id: int) -> list[Appeal]:
    """Every appeal of a case in id order, with their copies and campaign (the API list)."""
    return list(
        session.scalars(
            select(Appeal)
            .where(Appeal.case_id == case_id)
            .options(
                selectinload(Appeal.copies_to),
                selectinload(Appeal.campaign),
                undefer(Appeal.downloads),
                undefer(Appeal.letters_posted),
            )
            .order_by(Appeal.id)
        )
    )


def addressees_by_id(session: Session, page: int, per_page: int) -> Page[Addressee]:
    """One page of the directory in id order (the API list)."""
    return paginate(session, select(Addressee).order_by(Addressee.id), page, per_page)
