"""Gather the reasons into what the dashboard and the digests show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracker.domain.attention import Reason
from tracker.services.attention.reasons import REASONS, AttentionItem


@dataclass(frozen=True, slots=True)
class CaseAttention:
    """One case and every reason it needs attention, in the order of REASONS."""

    case_id: int
    reference: str
    name: str
    status: str
    items: tuple[AttentionItem, ...]


def items_for(
    session: Session,
    today: dt.date,
    reasons: Sequence[Reason] | None = None,
    limit: int | None = None,
) -> list[AttentionItem]:
    """Every item of the given reasons (all of them by default), reason by reason; at most
    `limit` of each reason (its most pressing first)."""
    wanted = set(reasons) if reasons is not None else None
    return [
        item
        for reason, find in REASONS
        if wanted is None or reason in wanted
        for item in find(session, today, limit)
    ]


def attention_by_case(
    session: Session, today: dt.date, limit: int | None = None
) -> tuple[list[CaseAttention], bool]:
    """The cases that need attention, each with its reasons: those with a coming date first
    (the nearest deadline, hearing or consent review), then the rest by reference. With a
    `limit`, each reason gives at most that many items (the dashboard: a page, not 100,000
    rows); the flag says whether any reason had more."""
    by_case: dict[int, list[AttentionItem]] = {}
    found_items = items_for(session, today, limit=None if limit is None else limit + 1)
    counts: dict[Reason, int] = {}
    for item in found_items:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    more = limit is not None and any(n > limit for n in counts.values())
    seen: dict[Reason, int] = {}
    for item in found_items:
        seen[item.reason] = seen.get(item.reason, 0) + 1
        if limit is not None and seen[item.reason] > limit:
            continue
        by_case.setdefault(item.case_id, []).append(item)
    found = [
        CaseAttention(items[0].case_id, items[0].reference, items[0].name, items[0].status,
                      tuple(items))
        for items in by_case.values()
    ]  # fmt: skip

    def urgency(entry: CaseAttention) -> tuple[dt.date, str]:
        dates = [i.on for i in entry.items if i.on is not None and i.on >= today]
        return (min(dates) if dates else dt.date.max, entry.reference)

    found.sort(key=urgency)
    return found, more
