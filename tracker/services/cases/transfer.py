"""Import and export cases with their status histories (CSV pairs and one JSON document)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pycountry
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from tracker.domain.dates import PartialDate, parse_iso_date
from tracker.domain.errors import ImportFailed, ImportRowError, TrackerError, ValidationError
from tracker.domain.text import slugify
from tracker.domain.transitions import ProposedChange, check_change
from tracker.domain.vocabulary import Category, Precision, ReleaseKind, Status
from tracker.models import Case, StatusChange, User, utcnow
from tracker.services import audit
from tracker.services.cases.editing import (
    ENDING_STATUSES,
    MAX_LENGTHS,
    REFERENCE_RE,
    close_appeals_of,
)

CASE_COLUMNS = (
    "reference",
    "full_name",
    "name_native",
    "country",
    "category",
    "profession",
    "arrested_on",
    "status",
    "status_on",
    "release_kind",
    "summary",
    "is_public",
    "consent_publicity",
)
EVENT_COLUMNS = (
    "reference",
    "status",
    "effective_on",
    "precision",
    "release_kind",
    "public_note",
    "source_url",
)
# The case columns an import sets; status columns are history, not fields.
CASE_FIELDS = (
    "full_name",
    "name_native",
    "country",
    "category",
    "profession",
    "arrested_on",
    "summary",
    "is_public",
    "consent_publicity",
)
# What makes two history entries the same event when an import is compared with the database.
EVENT_KEY = ("to_status", "effective_on", "precision", "release_kind", "public_note", "source_url")

TRUE_WORDS = frozenset({"1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})
COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)
CATEGORIES = frozenset(c.value for c in Category)
STATUSES = frozenset(s.value for s in Status)
RELEASE_KINDS = frozenset(k.value for k in ReleaseKind)
PRECISIONS = frozenset(p.value for p in Precision)
URL_RE = re.compile(r"^https?://\S+$")
CHUNK = 500
# Core tables: executemany without the ORM's per-row bookkeeping (several times faster).
CASES = cast(Table, Case.__table__)
STATUS_CHANGES = cast(Table, StatusChange.__table__)

Source = str | os.PathLike[str] | IO[str]
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
class _Event:
    line: int
    file: str
    to_status: str
    effective_on: dt.date
    precision: str
    release_kind: str | None
    public_note: str = ""
    source_url: str = ""

    def key(self) -> tuple[Any, ...]:
        return (
            self.to_status,
            self.effective_on,
            self.precision,
            self.release_kind,
            self.public_note,
            self.source_url,
        )


@dataclass
class _Row:
    line: int
    reference: str
    fields: dict[str, Any]
    status: str | None
    status_on: dt.date | None
    release_kind: str | None
    events: list[_Event] = field(default_factory=list)
    has_event_rows: bool = False


class _Problems:
    """Collects every problem of an import, in file and line order."""

    def __init__(self) -> None:
        self.items: list[ImportRowError] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.items.append(ImportRowError(file, line, message))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda p: (p.file, p.line))
            raise ImportFailed(self.items)


# ---------------------------------------------------------------------------- reading


def _name_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def _open(source: Source) -> IO[str]:
    if isinstance(source, str | os.PathLike):
        # utf-8-sig: spreadsheets often save a byte-order mark in front of the header.
        return open(source, encoding="utf-8-sig", newline="")
    return source


def _read_csv(
    source: Source, columns: tuple[str, ...], problems: _Problems
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for each record; a wrong header or field count is a problem."""
    name = _name_of(source)
    stream = _open(source)
    try:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            problems.add(name, 1, f"wrong header: the file is empty; expected {','.join(columns)}")
            return
        except csv.Error as exc:
            problems.add(name, 1, f"unreadable CSV: {exc}")
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        if tuple(header) != columns:
            problems.add(
                name, 1, f"wrong header: expected {','.join(columns)}, found {','.join(header)}"
            )
            return
        last = reader.line_num
        while True:
            start = last + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.add(name, start, f"unreadable CSV: {exc}")
                return
            last = reader.line_num
            if not record or record == [""]:
                continue
            if len(record) != len(columns):
                problems.add(name, start, f"expected {len(columns)} fields, found {len(record)}")
                continue
            yield start, dict(zip(columns, record, strict=True))
    finally:
        if stream is not source:
            stream.close()


def _read_json(
    source: Source, problems: _Problems
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, dict[str, str]]]]:
    """Cases and events of an export document; the "line" of an entry is its case number."""
    name = _name_of(source)
    stream = _open(source)
    try:
        document = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.add(name, getattr(exc, "lineno", 1), f"not a JSON document: {exc}")
        return [], []
    finally:
        if stream is not source:
            stream.close()
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        problems.add(name, 1, 'wrong document: expected {"cases": [...]}')
        return [], []
    cases: list[tuple[int, dict[str, str]]] = []
    events: list[tuple[int, dict[str, str]]] = []
    for number, item in enumerate(document["cases"], start=1):
        if not isinstance(item, dict):
            problems.add(name, number, "each case must be an object")
            continue
        cases.append((number, {c: _json_text(item.get(c)) for c in CASE_COLUMNS}))
        for event in item.get("history") or []:
            row = {c: _json_text(event.get(c)) for c in EVENT_COLUMNS if c != "reference"}
            events.append((number, {"reference": _json_text(item.get("reference")), **row}))
    return cases, events


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------- checking


def _parse_case(file: str, line: int, raw: dict[str, str], problems: _Problems) -> _Row | None:
    """Check one cases.csv row; report every problem in it."""
    before = len(problems.items)

    def bad(message: str) -> None:
        problems.add(file, line, message)

    reference = raw["reference"].strip()
    if not reference:
        bad("reference is required")
    elif len(reference) > MAX_LENGTHS["reference"]:
        bad(f"reference: at most {MAX_LENGTHS['reference']} characters")
    elif not REFERENCE_RE.match(reference):
        bad(f"reference '{reference}': use letters, digits, '.', '_' and '-' only")
    fields: dict[str, Any] = {}
    for name in ("full_name", "name_native", "profession", "summary"):
        text = raw[name].strip()
        limit = MAX_LENGTHS.get(name)
        if limit and len(text) > limit:
            bad(f"{name}: at most {limit} characters")
        fields[name] = text
    if not fields["full_name"]:
        bad("full_name is required")
    country = raw["country"].strip().upper()
    if not country:
        bad("country is required")
    elif country not in COUNTRIES:
        bad(f"unknown country '{raw['country'].strip()}'")
    fields["country"] = country
    category = raw["category"].strip()
    if not category:
        bad("category is required")
    elif category not in CATEGORIES:
        bad(f"unknown category '{category}'")
    fields["category"] = category
    fields["arrested_on"] = _date(raw, "arrested_on", bad)
    for name in ("is_public", "consent_publicity"):
        word = raw[name].strip().lower()
        if word in TRUE_WORDS:
            fields[name] = True
        elif word in FALSE_WORDS:
            fields[name] = False
        else:
            bad(f"{name}: '{raw[name].strip()}' is not true or false")
    status = raw["status"].strip() or None
    if status is not None and status not in STATUSES:
        bad(f"unknown status '{status}'")
    status_on = _date(raw, "status_on", bad)
    release_kind = raw["release_kind"].strip() or None
    if release_kind is not None and release_kind not in RELEASE_KINDS:
        bad(f"unknown release kind '{release_kind}'")
    if len(problems.items) > before:
        return None
    return _Row(line, reference, fields, status, status_on, release_kind)


def _parse_event(file: str, line: int, raw: dict[str, str], problems: _Problems) -> _Event | None:
    """Check one events.csv row on its own (its place in the history is checked later)."""
    before = len(problems.items)

    def bad(message: str) -> None:
        problems.add(file, line, message)

    status = raw["status"].strip()
    if not status:
        bad("status is required")
    elif status not in STATUSES:
        bad(f"unknown status '{status}'")
    effective_on = _date(raw, "effective_on", bad)
    if effective_on is None and raw["effective_on"].strip() == "":
        bad("effective_on is required")
    precision = raw["precision"].strip() or Precision.DAY.value
    if precision not in PRECISIONS:
        bad(f"unknown precision '{precision}' (use day, month or year)")
    release_kind = raw["release_kind"].strip() or None
    if release_kind is not None and release_kind not in RELEASE_KINDS:
        bad(f"unknown release kind '{release_kind}'")
    source_url = raw["source_url"].strip()
    if source_url and not URL_RE.match(source_url):
        bad("source_url: use an http(s):// address")
    if len(problems.items) > before or effective_on is None:
        return None
    when = PartialDate.of(effective_on, precision)
    return _Event(
        line,
        file,
        status,
        when.value,
        when.precision.value,
        release_kind,
        raw["public_note"].strip(),
        source_url,
    )


def _date(raw: dict[str, str], name: str, bad: Callable[[str], None]) -> dt.date | None:
    text = raw[name].strip()
    if not text:
        return None
    try:
        return parse_iso_date(text)
    except ValueError as exc:
        bad(f"{name}: {exc}")
        return None


def _history_from_row(file: str, row: _Row, problems: _Problems) -> list[_Event]:
    """Without events: detained on arrested_on (when given), then status on status_on."""
    events: list[_Event] = []
    arrested_on = row.fields["arrested_on"]
    if arrested_on is not None:
        events.append(_Event(row.line, file, Status.DETAINED.value, arrested_on, "day", None))
    if row.status is None:
        if not events:
            problems.add(file, row.line, "status is required")
        return events
    if events and row.status == Status.DETAINED.value:
        return events
    if row.status_on is None:
        problems.add(file, row.line, f"status_on is required with status {row.status}")
        return events
    events.append(_Event(row.line, file, row.status, row.status_on, "day", row.release_kind))
    return events


def _check_history(
    events: Iterable[_Event],
    problems: _Problems,
    current: str | None = None,
    latest: dt.date | None = None,
) -> bool:
    """Check each change against the one before with the workflow rules; True when all pass."""
    ok = True
    for event in events:
        kind = ReleaseKind(event.release_kind) if event.release_kind else None
        try:
            check_change(
                current, latest, ProposedChange(Status(event.to_status), event.effective_on, kind)
            )
        except TrackerError as exc:
            problems.add(event.file, event.line, _transition_message(exc, event))
            return False
        current, latest = event.to_status, event.effective_on
    return ok


def _transition_message(exc: TrackerError, event: _Event) -> str:
    if isinstance(exc, ValidationError) and "release_kind" in exc.field_errors:
        if event.release_kind is None:
            return "release_kind is required with status released"
        return f"release_kind '{event.release_kind}' is only for status released"
    if isinstance(exc, ValidationError) and "effective_on" in exc.field_errors:
        return f"{event.effective_on.isoformat()}: {exc.message}"
    return f"refused transition: {exc.message}"


# ---------------------------------------------------------------------------- import


@dataclass
class _Existing:
    id: int
    fields: dict[str, Any]
    history: list[tuple[Any, ...]]
    current: str | None
    latest: dt.date | None


def import_cases(
    session: Session,
    actor: User | None,
    cases_source: Source,
    events_source: Source | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then create or update cases and their histories; all or nothing.

    Raises ImportFailed listing every bad row before anything is written. A case whose row
    matches the database is left alone (no history, version or audit change). Without events,
    a changed status/status_on appends one change; with events, the recorded history must be
    the start of the file's history (history is append-only) and the rest is appended.
    A `.json` source is an export document; its "line" numbers are case numbers.
    """
    problems = _Problems()
    cases_file = _name_of(cases_source)
    if cases_file.endswith(".json"):
        case_records, event_records = _read_json(cases_source, problems)
        events_file: str | None = cases_file
    else:
        case_records = list(_read_csv(cases_source, CASE_COLUMNS, problems))
        events_file = None
        event_records = []
        if events_source is not None:
            events_file = _name_of(events_source)
            event_records = list(_read_csv(events_source, EVENT_COLUMNS, problems))

    total = len(case_records)
    rows: dict[str, _Row] = {}
    first_line: dict[str, int] = {}
    for i, (line, raw) in enumerate(case_records, start=1):
        reference = raw["reference"].strip()
        if reference and reference in first_line:
            problems.add(
                cases_file,
                line,
                f"duplicate reference {reference} (first on line {first_line[reference]})",
            )
            continue
        if reference:
            first_line[reference] = line
        row = _parse_case(cases_file, line, raw, problems)
        if row is not None:
            rows[row.reference] = row
        if progress is not None and i % CHUNK == 0:
            progress("check", i, total)

    if events_file is not None:
        for line, raw in event_records:
            reference = raw["reference"].strip()
            if reference not in first_line:
                problems.add(events_file, line, f"unknown reference '{reference}' (not in cases)")
                continue
            event = _parse_event(events_file, line, raw, problems)
            target = rows.get(reference)
            if target is not None:
                target.has_event_rows = True
                if event is not None:
                    target.events.append(event)
                else:
                    rows.pop(reference)  # a bad event: the case's history cannot be checked

    existing = _load_existing(session, list(rows))
    plans: list[tuple[_Row, _Existing | None, list[_Event]]] = []
    for row in rows.values():
        old = existing.get(row.reference)
        if row.has_event_rows:
            if not _check_history(row.events, problems):
                continue
            appended = _appended_events(row, old, problems)
            if appended is None:
                continue
        else:
            history = _history_from_row(cases_file, row, problems)
            if old is None:
                if not _check_history(history, problems):
                    continue
                appended = history
            else:
                appended = [e for e in history[-1:] if e.to_status != old.current]
                if not _check_history(appended, problems, old.current, old.latest):
                    continue
        plans.append((row, old, appended))
    if progress is not None:
        progress("check", total, total)
    problems.raise_if_any()
    return _write(session, actor, plans, dry_run, progress)


def _appended_events(row: _Row, old: _Existing | None, problems: _Problems) -> list[_Event] | None:
    """The events of the file beyond the recorded history; None when the two disagree."""
    if old is None:
        return row.events
    for i, recorded in enumerate(old.history):
        if i >= len(row.events):
            problems.add(
                row.events[-1].file,
                row.events[-1].line,
                f"the history of {row.reference} in the file is shorter than the recorded one "
                f"({len(old.history)} changes); history is append-only",
            )
            return None
        if row.events[i].key() != recorded:
            problems.add(
                row.events[i].file,
                row.events[i].line,
                f"differs from change {i + 1} recorded for {row.reference} "
                f"({recorded[0]} on {recorded[1].isoformat()}); history is append-only",
            )
            return None
    return row.events[len(old.history) :]


def _load_existing(session: Session, references: list[str]) -> dict[str, _Existing]:
    """The cases of the file already in the database, with their histories, in a few queries."""
    found: dict[str, _Existing] = {}
    by_id: dict[int, _Existing] = {}
    columns = [getattr(Case, name) for name in CASE_FIELDS]
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        for r in session.execute(
            select(Case.id, Case.reference, *columns).where(Case.reference.in_(chunk))
        ):
            item = _Existing(r.id, {n: getattr(r, n) for n in CASE_FIELDS}, [], None, None)
            found[r.reference] = by_id[r.id] = item
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        query = (
            select(StatusChange.case_id, *[_event_column(k) for k in EVENT_KEY])
            .where(StatusChange.case_id.in_(chunk_ids))
            .order_by(StatusChange.case_id, StatusChange.effective_on, StatusChange.id)
        )
        for r in session.execute(query):
            item = by_id[r[0]]
            item.history.append(tuple(r[1:]))
            item.current, item.latest = r[1], r[2]
    return found


def _event_column(name: str) -> Any:
    return getattr(StatusChange, name)


def _write(
    session: Session,
    actor: User | None,
    plans: list[tuple[_Row, _Existing | None, list[_Event]]],
    dry_run: bool,
    progress: Progress | None,
) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    new_rows = [(row, events) for row, old, events in plans if old is None]
    changed: list[tuple[_Row, _Existing, list[_Event], list[str]]] = []
    for row, old, events in plans:
        if old is None:
            continue
        names = [n for n in CASE_FIELDS if old.fields[n] != row.fields[n]]
        if names or events:
            changed.append((row, old, events, names))
        else:
            result.unchanged += 1
    result.created = len(new_rows)
    result.updated = len(changed)
    result.status_changes = sum(len(e) for _, e in new_rows) + sum(len(c[2]) for c in changed)
    if dry_run or not (new_rows or changed):
        return result

    now = utcnow()
    actor_id = actor.id if actor is not None else None
    total = len(plans)
    done = result.unchanged
    taken = set(session.scalars(select(Case.slug)))
    for start in range(0, len(new_rows), CHUNK):
        chunk = new_rows[start : start + CHUNK]
        case_dicts = [_new_case(row, events, _free_slug(row, taken), now) for row, events in chunk]
        ids = (
            session.execute(
                insert(CASES).returning(CASES.c.id, sort_by_parameter_order=True), case_dicts
            )
            .scalars()
            .all()
        )
        history = [
            _history_dict(case_id, events, now, actor_id)
            for case_id, (_, events) in zip(ids, chunk, strict=True)
        ]
        flat = [h for hs in history for h in hs]
        if flat:
            session.execute(insert(STATUS_CHANGES), flat)
        done += len(chunk)
        if progress is not None:
            progress("write", done, total)

    for start in range(0, len(changed), CHUNK):
        chunk_changed = changed[start : start + CHUNK]
        cases = {
            c.id: c
            for c in session.scalars(
                select(Case).where(Case.id.in_([old.id for _, old, _, _ in chunk_changed]))
            )
        }
        for row, old, events, names in chunk_changed:
            case = cases[old.id]
            for name in names:
                setattr(case, name, row.fields[name])
            if events:
                rows = _history_dict(case.id, events, now, actor_id, old.current)
                session.execute(insert(STATUS_CHANGES), rows)
                case.status = events[-1].to_status
                case.status_since = events[-1].effective_on
                case.status_since_precision = events[-1].precision
            case.updated_at = now
        session.flush()
        session.expire_all()  # the history relationships were written around the ORM
        for _, old, events, _ in chunk_changed:
            if events and Status(events[-1].to_status) in ENDING_STATUSES:
                close_appeals_of(session, actor, session.get_one(Case, old.id))
        done += len(chunk_changed)
        if progress is not None:
            progress("write", done, total)

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


def _free_slug(row: _Row, taken: set[str]) -> str:
    base = slugify(row.fields["full_name"])
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def _new_case(row: _Row, events: list[_Event], slug: str, now: dt.datetime) -> dict[str, Any]:
    last = events[-1] if events else None
    return {
        "reference": row.reference,
        "slug": slug,
        **row.fields,
        "place_of_detention": "",
        "charges": "",
        "sentence": "",
        "internal_notes": "",
        "health_notes": "",
        "family_contacts": "",
        "lawyer_contact": "",
        "detention_address": "",
        "consent_detention_address": False,
        "consent_photo": False,
        "status": last.to_status if last else Status.DETAINED.value,
        "status_since": last.effective_on if last else None,
        "status_since_precision": last.precision if last else Precision.DAY.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _history_dict(
    case_id: int,
    events: list[_Event],
    now: dt.datetime,
    actor_id: int | None,
    current: str | None = None,
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
                "is_correction": False,
                "release_kind": event.release_kind,
                "recorded_at": now,
                "recorded_by_id": actor_id,
                "note": "",
                "public_note": event.public_note,
                "source_url": event.source_url,
            }
        )
        current = event.to_status
    return out


# ---------------------------------------------------------------------------- export


def events_path_for(path: str | os.PathLike[str]) -> Path:
    """Where `export -o cases.csv` writes the events: `cases-events.csv` beside it."""
    p = Path(path)
    return p.with_name(f"{p.stem}-events{p.suffix or '.csv'}")


def _export_rows(session: Session) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    """Every case as cases.csv columns, with its history as events.csv columns."""
    case_query = (
        select(
            Case.id,
            Case.reference,
            *[getattr(Case, n) for n in CASE_FIELDS],
            Case.status,
            Case.status_since,
        )
        .order_by(Case.id)
        .execution_options(yield_per=5000)
    )
    event_query = (
        select(StatusChange.case_id, *[_event_column(k) for k in EVENT_KEY])
        .order_by(StatusChange.case_id, StatusChange.effective_on, StatusChange.id)
        .execution_options(yield_per=5000)
    )
    # Two ordered streams merged by case id: two queries in all, whatever the number of cases.
    events = iter(session.execute(event_query))
    pending = next(events, None)
    for c in session.execute(case_query).all():
        history: list[dict[str, str]] = []
        while pending is not None and pending[0] < c.id:
            pending = next(events, None)
        while pending is not None and pending[0] == c.id:
            _, status, effective_on, precision, kind, public_note, source_url = pending
            history.append(
                {
                    "reference": c.reference,
                    "status": status,
                    "effective_on": effective_on.isoformat(),
                    "precision": precision,
                    "release_kind": kind or "",
                    "public_note": public_note,
                    "source_url": source_url,
                }
            )
            pending = next(events, None)
        last_kind = history[-1]["release_kind"] if history else ""
        yield (
            {
                "reference": c.reference,
                "full_name": c.full_name,
                "name_native": c.name_native,
                "country": c.country,
                "category": c.category,
                "profession": c.profession,
                "arrested_on": c.arrested_on.isoformat() if c.arrested_on else "",
                "status": c.status,
                "status_on": c.status_since.isoformat() if c.status_since else "",
                "release_kind": last_kind if c.status == Status.RELEASED.value else "",
                "summary": c.summary,
                "is_public": "true" if c.is_public else "false",
                "consent_publicity": "true" if c.consent_publicity else "false",
            },
            history,
        )


def export_cases(
    session: Session,
    fmt: str,
    out: IO[str],
    events_out: IO[str] | None = None,
    *,
    progress: Progress | None = None,
) -> int:
    """Write every case with its history; csv needs `events_out`. Returns the number of cases.

    Private notes are not exported: the file holds what the import contract (DESIGN.md 4) carries.
    """
    from sqlalchemy import func

    total = session.scalar(select(func.count()).select_from(Case)) or 0
    count = 0
    if fmt == "csv":
        if events_out is None:
            raise ValueError("a CSV export needs a second stream for the events")
        cases_writer = csv.writer(out, lineterminator="\n")
        events_writer = csv.writer(events_out, lineterminator="\n")
        cases_writer.writerow(CASE_COLUMNS)
        events_writer.writerow(EVENT_COLUMNS)
        for case, history in _export_rows(session):
            cases_writer.writerow([case[c] for c in CASE_COLUMNS])
            events_writer.writerows([e[c] for c in EVENT_COLUMNS] for e in history)
            count += 1
            if progress is not None and count % CHUNK == 0:
                progress("export", count, total)
    elif fmt == "json":
        # One case per line: the document stays diffable and streams without building it whole.
        out.write('{"format": "tracker-cases", "version": 1, "cases": [\n')
        for case, history in _export_rows(session):
            item: dict[str, Any] = dict(case)
            item["is_public"] = case["is_public"] == "true"
            item["consent_publicity"] = case["consent_publicity"] == "true"
            item["history"] = [{k: v for k, v in e.items() if k != "reference"} for e in history]
            out.write(("," if count else "") + json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
            if progress is not None and count % CHUNK == 0:
                progress("export", count, total)
        out.write("]}\n")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    if progress is not None:
        progress("export", count, total)
    return count


def export_to_strings(session: Session, fmt: str) -> tuple[str, str | None]:
    """The export as text (for tests and small data sets): (cases or document, events)."""
    out, events = io.StringIO(), io.StringIO() if fmt == "csv" else None
    export_cases(session, fmt, out, events)
    return out.getvalue(), events.getvalue() if events is not None else None
