"""Plan each imported case's history: build it, check it by the workflow rules, and compare it
with what the database holds (history is append-only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import precision_field_of, transfer_fields
from tracker.domain.dates import order_day
from tracker.domain.errors import TrackerError, ValidationError
from tracker.domain.messages import M_, Message
from tracker.domain.transitions import ProposedChange, check_change
from tracker.domain.vocabulary import Precision, ReleaseKind, Status
from tracker.models import Case, StatusChange
from tracker.services.cases.transfer.read import Problems
from tracker.services.cases.transfer.rows import Event, Row

# What makes two history entries the same event when an import is compared with the database.
EVENT_KEY = ("to_status", "effective_on", "precision", "release_kind", "public_note", "source_url")
CHUNK = 500
# The vocabulary by value, looked up for every change an import checks (an Enum call costs more).
_STATUSES = {s.value: s for s in Status}
_PRECISIONS = {p.value: p for p in Precision}


@dataclass(slots=True)
class Existing:
    """A case of the file that the database already holds, with its history."""

    id: int
    slug: str
    fields: dict[str, Any]
    history: list[tuple[Any, ...]]
    current: str | None
    latest: dt.date | None


@dataclass(slots=True)
class Plan:
    """What to do with one row: create it (no `old`) or update it, appending `events`."""

    row: Row
    old: Existing | None
    events: list[Event]


def imported_field_names() -> list[str]:
    """The case fields an import may set (every exported field but the reference); a file
    sets those it has columns for."""
    names = []
    for f in transfer_fields(include_private=True):
        if f.name != "reference":
            names.append(f.name)
            precision = precision_field_of(f.name)
            if precision is not None:
                names.append(precision.name)
    return names


def plan_case(file: str, row: Row, old: Existing | None, problems: Problems) -> Plan | None:
    """The changes to append for one row; None (with the problem reported) when refused."""
    if row.has_event_rows:
        if not check_history(row.events, problems):
            return None
        appended = appended_events(row, old, problems)
        return None if appended is None else Plan(row, old, appended)
    history = history_from_row(file, row, problems)
    if old is None:
        return Plan(row, old, history) if check_history(history, problems) else None
    appended = [e for e in history[-1:] if e.to_status != old.current]
    if not check_history(appended, problems, old.current, old.latest):
        return None
    return Plan(row, old, appended)


def history_from_row(file: str, row: Row, problems: Problems) -> list[Event]:
    """Without events: detained on arrested_on (when given), then status on status_on."""
    events: list[Event] = []
    arrested_on = row.fields.get("arrested_on")
    if arrested_on is not None:
        precision = row.fields.get("arrested_on_precision") or Precision.DAY.value
        events.append(Event(row.line, file, Status.DETAINED.value, arrested_on, precision, None))
    if row.status is None:
        if not events:
            problems.add(file, row.line, M_("%(field)s is required", field="status"))
        return events
    if events and row.status == Status.DETAINED.value:
        return events
    if row.status_on is None:
        problems.add(
            file,
            row.line,
            M_("status_on is required with status %(status)s", status=row.status),
        )
        return events
    events.append(Event(row.line, file, row.status, row.status_on, "day", row.release_kind))
    return events


def check_history(
    events: Iterable[Event],
    problems: Problems,
    current: str | None = None,
    latest: dt.date | None = None,
) -> bool:
    """Check each change against the one before with the workflow rules; True when all pass."""
    for event in events:
        kind = ReleaseKind(event.release_kind) if event.release_kind else None
        try:
            check_change(
                current,
                latest,
                ProposedChange(
                    _STATUSES.get(event.to_status) or Status(event.to_status),
                    event.effective_on,
                    kind,
                    precision=_PRECISIONS.get(event.precision) or Precision(event.precision),
                ),
            )
        except TrackerError as exc:
            problems.add(event.file, event.line, _transition_message(exc, event))
            return False
        event.sort_on = order_day(event.effective_on, event.precision, latest)
        current, latest = event.to_status, event.sort_on
    return True


def _transition_message(exc: TrackerError, event: Event) -> Message:
    if isinstance(exc, ValidationError) and "release_kind" in exc.field_errors:
        if event.release_kind is None:
            return M_("release_kind is required with status released")
        return M_("release_kind '%(kind)s' is only for status released", kind=event.release_kind)
    if isinstance(exc, ValidationError) and "effective_on" in exc.field_errors:
        return M_("%(date)s: %(problem)s", date=event.effective_on, problem=exc.message)
    return M_("refused transition: %(problem)s", problem=exc.message)


def appended_events(row: Row, old: Existing | None, problems: Problems) -> list[Event] | None:
    """The events of the file beyond the recorded history; None when the two disagree."""
    if old is None:
        return row.events
    for i, recorded in enumerate(old.history):
        if i >= len(row.events):
            problems.add(
                row.events[-1].file,
                row.events[-1].line,
                M_(
                    "the history of %(reference)s in the file is shorter than the recorded one "
                    "(%(count)s changes); history is append-only",
                    reference=row.reference,
                    count=len(old.history),
                ),
            )
            return None
        if row.events[i].key() != recorded:
            problems.add(
                row.events[i].file,
                row.events[i].line,
                M_(
                    "differs from change %(number)s recorded for %(reference)s "
                    "(%(status)s on %(date)s); history is append-only",
                    number=i + 1,
                    reference=row.reference,
                    status=recorded[0],
                    date=recorded[1],
                ),
            )
            return None
    return row.events[len(old.history) :]


def load_existing(session: Session, references: list[str]) -> dict[str, Existing]:
    """The cases of the file already in the database, keyed by lower-case reference (IMP-1 and
    imp-1 are one case), with their histories, in a few queries."""
    names = imported_field_names()
    found: dict[str, Existing] = {}
    by_id: dict[int, Existing] = {}
    columns = [getattr(Case, name) for name in names]
    lowered = [r.lower() for r in references]
    for start in range(0, len(lowered), CHUNK):
        chunk = lowered[start : start + CHUNK]
        query = select(Case.id, Case.reference, Case.slug, *columns).where(
            func.lower(Case.reference).in_(chunk)
        )
        for r in session.execute(query):
            item = Existing(r.id, r.slug, {n: getattr(r, n) for n in names}, [], None, None)
            found[r.reference.lower()] = by_id[r.id] = item
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        history = (
            select(
                StatusChange.case_id,
                StatusChange.sort_on,
                *[getattr(StatusChange, k) for k in EVENT_KEY],
            )
            .where(StatusChange.case_id.in_(chunk_ids))
            .order_by(StatusChange.case_id, StatusChange.sort_on, StatusChange.id)
        )
        for r in session.execute(history):
            item = by_id[r[0]]
            item.history.append(tuple(r[2:]))
            item.current, item.latest = r[2], r[1]
    return found
