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
    session: Session, today: dt.date, reasons: Sequence[Reason] | None = None
) -> list[AttentionItem]:
    """Every item of the given reasons (all of them by default), reason by reason."""
    wanted = set(reasons) if reasons is not None else None
    return [
        item
        for reason, find in REASONS
        if wanted is None or reason in wanted
        for item in find(session, today)
    ]


def attention_by_case(session: Session, today: dt.date) -> list[CaseAttention]:
    """The cases that need attention, each with its reasons: those with a coming date first
    (the nearest deadline, hearing or consent review), then the rest by reference."""
    by_case: dict[int, list[AttentionItem]] = {}
    for item in items_for(session, today):
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
    return found
