"""Write a checked import: bulk inserts of new cases, their histories and one audit event per
case created or changed (with the fields, before -> after), ORM updates for changed cases."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.vocabulary import Precision, Status
from tracker.models import AuditEvent, Case, StatusChange, User, utcnow
from tracker.services import audit
from tracker.services.cases.editing import (
    ENDING_STATUSES,
    close_appeals_of,
    field_changes,
    private_names,
)
from tracker.services.cases.slugs import hidden_slug, is_hidden_slug, next_free_slug
from tracker.services.cases.transfer.bulk import Inserter, page_cache
from tracker.services.cases.transfer.history import CHUNK, Existing, Plan, imported_field_names
from tracker.services.cases.transfer.rows import Event, Row

# Core tables: bulk inserts without the ORM's per-row bookkeeping (transfer.bulk).
CASES = cast(Table, Case.__table__)
STATUS_CHANGES = cast(Table, StatusChange.__table__)
AUDIT_EVENTS = cast(Table, AuditEvent.__table__)

# progress(phase, done, total): phase is "check" or "write" for imports, "export" for exports.
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    status_changes: int = 0
    dry_run: bool = False


@dataclass
class _Change:
    row: Row
    old: Existing
    events: list[Event]
    names: list[str]


def write_plans(
    session: Session,
    actor: User | None,
    plans: list[Plan],
    dry_run: bool,
    progress: Progress | None,
) -> ImportResult:
    """Carry out the plans (or only count them, with dry_run)."""
    result = ImportResult(dry_run=dry_run)
    names = imported_field_names()
    new_rows = [p for p in plans if p.old is None]
    changed: list[_Change] = []
    for p in plans:
        if p.old is None:
            continue
        differ = [n for n in names if n in p.row.fields and p.old.fields[n] != p.row.fields[n]]
        if differ or p.events:
            changed.append(_Change(p.row, p.old, p.events, differ))
        else:
            result.unchanged += 1
    result.created = len(new_rows)
    result.updated = len(changed)
    result.status_changes = sum(len(p.events) for p in new_rows) + sum(
        len(c.events) for c in changed
    )
    if dry_run or not (new_rows or changed):
        return result

    with page_cache(session):
        _write(session, actor, new_rows, changed, result.unchanged, progress)
    session.flush()
    audit.record(
        session,
        actor,
        "cases.import",
        "case",
        None,
        [],
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        status_changes=result.status_changes,
    )
    return result


def _write(
    session: Session,
    actor: User | None,
    new_rows: list[Plan],
    changed: list[_Change],
    unchanged: int,
    progress: Progress | None,
) -> None:
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    taken = set(session.scalars(select(Case.slug)))
    defaults = {f.name: _default(f) for f in case_fields()}
    private = private_names()
    out = _Inserters(session, now, actor_id)
    done = unchanged
    total = unchanged + len(new_rows) + len(changed)
    for start in range(0, len(new_rows), CHUNK):
        chunk = new_rows[start : start + CHUNK]
        inserted = out.cases(
            [_new_case(p.row, p.events, _slug_for(p.row.fields, taken), defaults) for p in chunk]
        )
        # Each new id is matched by its reference: asking for the ids in the order of the rows
        # (sort_by_parameter_order) makes SQLAlchemy send one INSERT per row on SQLite.
        by_reference: dict[str, int] = dict(inserted)
        ids = [by_reference[p.row.reference] for p in chunk]
        out.changes(
            [
                h
                for case_id, p in zip(ids, chunk, strict=True)
                for h in _history_dicts(case_id, p.events)
            ]
        )
        out.audit(
            [
                _audit_dict(
                    "case.create",
                    case_id,
                    1,
                    ({}, {"reference": p.row.reference, **p.row.fields}),
                    (None, p.events),
                    private,
                )
                for case_id, p in zip(ids, chunk, strict=True)
            ]
        )
        done += len(chunk)
        if progress is not None:
            progress("write", done, total)

    for start in range(0, len(changed), CHUNK):
        _update_chunk(session, actor, changed[start : start + CHUNK], taken, out)
        done += len(changed[start : start + CHUNK])
        if progress is not None:
            progress("write", done, total)


class _Inserters:
    """The bulk inserts of one import, with what every row of each table shares."""

    def __init__(self, session: Session, now: dt.datetime, actor_id: int | None) -> None:
        self.now = now
        self.cases = Inserter(
            session,
            CASES,
            {"photo": None, "photo_type": None, "version": 1, "created_at": now, "updated_at": now},
            returning=("reference", "id"),
        )
        shared = {
            "is_correction": False,
            "recorded_at": now,
            "recorded_by_id": actor_id,
            "note": "",
        }
        self.changes = Inserter(session, STATUS_CHANGES, shared)
        self.audit = Inserter(
            session, AUDIT_EVENTS, {"at": now, "user_id": actor_id, "entity_type": "case"}
        )


def _update_chunk(
    session: Session, actor: User | None, chunk: list[_Change], taken: set[str], out: _Inserters
) -> None:
    cases = {
        c.id: c for c in session.scalars(select(Case).where(Case.id.in_([c.old.id for c in chunk])))
    }
    for change in chunk:
        case = cases[change.old.id]
        for name in change.names:
            setattr(case, name, change.row.fields[name])
        if is_hidden_slug(case.slug):
            case.slug = _slug_for(change.row.fields, taken, case.slug, case.full_name)
        if change.events:
            out.changes(_history_dicts(case.id, change.events, change.old.current))
            case.status = change.events[-1].to_status
            case.status_since = change.events[-1].effective_on
            case.status_since_precision = change.events[-1].precision
        case.updated_at = out.now
    session.flush()
    private = private_names()
    out.audit(
        [
            _audit_dict(
                "case.update",
                c.old.id,
                cases[c.old.id].version,
                ({n: c.old.fields[n] for n in c.names}, {n: c.row.fields[n] for n in c.names}),
                (c.old.current, c.events),
                private,
            )
            for c in chunk
        ]
    )
    session.expire_all()  # the history relationships were written around the ORM
    for change in chunk:
        if change.events and Status(change.events[-1].to_status) in ENDING_STATUSES:
            close_appeals_of(session, actor, session.get_one(Case, change.old.id))


def _slug_for(
    fields: dict[str, Any], taken: set[str], current: str | None = None, name: str = ""
) -> str:
    """A public slug from the name once the case is publishable, else a placeholder."""
    if not (fields.get("is_public") and fields.get("consent_publicity")):
        return current or hidden_slug()
    slug = next_free_slug(fields.get("full_name") or name, taken.__contains__)
    taken.add(slug)
    return slug


def _audit_dict(
    action: str,
    case_id: int,
    version: int,
    values: tuple[dict[str, Any], dict[str, Any]],
    statuses: tuple[str | None, list[Event]],
    private: frozenset[str] | None = None,
) -> dict[str, Any]:
    """One case's audit event: its fields before -> after, and its status move."""
    before, after = values
    current, events = statuses
    detail: dict[str, Any] = {"version": version, "source": "import"}
    if after:
        detail["changes"] = field_changes(before, after, private)
    if events:
        detail["from_status"] = current
        detail["to_status"] = events[-1].to_status
    fields = _field_names(tuple(after), bool(events))
    return {"action": action, "entity_id": case_id, "fields": fields, "detail": detail}


@functools.lru_cache(maxsize=64)
def _field_names(names: tuple[str, ...], with_status: bool) -> tuple[str, ...]:
    # One tuple for the many events that name the same fields: its JSON is written once.
    return tuple(sorted({*names, *(["status"] if with_status else [])}))


def _default(spec: CaseField) -> Any:
    kind = spec.kind
    if kind in (Kind.LINE, Kind.TEXT, Kind.REFERENCE, Kind.COUNTRY):
        return ""
    if kind is Kind.BOOL:
        return False
    if kind is Kind.PRECISION:
        # As the model and the staff form: a private date left unknown has no precision (an
        # empty value is stored as it is, not encrypted).
        return "" if spec.is_private else Precision.DAY.value
    return None


def _new_case(row: Row, events: list[Event], slug: str, defaults: dict[str, Any]) -> dict[str, Any]:
    last = events[-1] if events else None
    return {
        **defaults,
        "reference": row.reference,
        "slug": slug,
        **row.fields,
        "status": last.to_status if last else Status.DETAINED.value,
        "status_since": last.effective_on if last else None,
        "status_since_precision": last.precision if last else Precision.DAY.value,
    }


def _history_dicts(
    case_id: int, events: list[Event], current: str | None = None
) -> list[dict[str, Any]]:
    out = []
    for event in events:
        out.append(
            {
                "case_id": case_id,
                "from_status": current,
                "to_status": event.to_status,
                "effective_on": event.effective_on,
                "precision": event.precision,
                "sort_on": event.sort_on or event.effective_on,
                "release_kind": event.release_kind,
                "public_note": event.public_note,
                "source_url": event.source_url,
            }
        )
        current = event.to_status
    return out
