"""import_cases: read and check every row of an import, plan each case, then write; all or
nothing."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import (
    Kind,
    case_fields,
    csv_columns,
    field_named,
    transfer_column,
    transfer_columns,
)
from tracker.domain.messages import M_
from tracker.models import User
from tracker.services.cases.transfer.history import Plan, load_existing, plan_case
from tracker.services.cases.transfer.read import (
    EVENT_COLUMNS,
    Problems,
    Record,
    Source,
    name_of,
    read_csv,
    read_json,
)
from tracker.services.cases.transfer.rows import Row, case_layout, parse_case, parse_event
from tracker.services.cases.transfer.write import (
    ImportResult,
    Progress,
    write_plans,
)

CHUNK = 500


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
    A `.json` source is an export document; its "line" numbers are case numbers. References
    that differ only in letter case (IMP-1, imp-1) name the same case.
    """
    with _collector_paused():
        return _import(session, actor, cases_source, events_source, dry_run, progress)


def _import(
    session: Session,
    actor: User | None,
    cases_source: Source,
    events_source: Source | None,
    dry_run: bool,
    progress: Progress | None,
) -> ImportResult:
    problems = Problems()
    cases_file = name_of(cases_source)
    events_file: str | None = None
    event_records: Iterable[Record] = ()
    if cases_file.endswith(".json"):
        case_records, event_records = read_json(cases_source, problems)
        events_file = cases_file
    else:
        optional = transfer_columns(include_private=True)[len(csv_columns()) :]
        case_records = list(read_csv(cases_source, csv_columns(), problems, optional))
        if events_source is not None:
            events_file = name_of(events_source)
            # Read as they are checked: the records of a file are not all kept at once.
            event_records = read_csv(events_source, EVENT_COLUMNS, problems)

    total = len(case_records)
    rows = _check_cases(cases_file, case_records, problems, progress)
    known = {raw["reference"].strip().lower() for _, raw in case_records}
    del case_records
    _resolve_users(session, cases_file, rows, problems)
    if events_file is not None:
        _check_events(events_file, event_records, rows, known, problems)

    existing = load_existing(session, [row.reference for row in rows.values()])
    plans: list[Plan] = []
    for key, row in rows.items():
        plan = plan_case(cases_file, row, existing.get(key), problems)
        if plan is not None:
            plans.append(plan)
    if progress is not None:
        progress("check", total, total)
    problems.raise_if_any()
    return write_plans(session, actor, plans, dry_run, progress)


_paused = 0
_paused_lock = threading.Lock()
_was_enabled = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an import runs (reference counting still frees
    what it drops). An import holds every checked row and change until it writes them, and
    each full collection walked them all again: an eighth of a 100,000-case import's time."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _resolve_users(session: Session, file: str, rows: dict[str, Row], problems: Problems) -> None:
    """The `assigned_to` column names a staff user by email; the case stores the user's id."""
    names = [f.name for f in case_fields() if f.kind is Kind.USER]
    wanted = {
        str(row.fields[n]).lower() for row in rows.values() for n in names if row.fields.get(n)
    }
    if not wanted:
        return
    found = {
        email.lower(): ident
        for ident, email in session.execute(
            select(User.id, User.email).where(func.lower(User.email).in_(sorted(wanted)))
        )
    }
    for key, row in list(rows.items()):
        for name in names:
            email = row.fields.get(name)
            if not email:
                continue
            if str(email).lower() not in found:
                problems.add(
                    file,
                    row.line,
                    M_(
                        "%(column)s: no user %(email)s",
                        column=transfer_column(field_named(name)),
                        email=email,
                    ),
                )
                rows.pop(key)
                break
            row.fields[name] = found[str(email).lower()]


def _check_cases(
    file: str, records: list[Record], problems: Problems, progress: Progress | None
) -> dict[str, Row]:
    """The good rows keyed by lower-case reference; a second row for a reference is refused."""
    rows: dict[str, Row] = {}
    first_line: dict[str, int] = {}
    layout = case_layout()
    for i, (line, raw) in enumerate(records, start=1):
        reference = raw["reference"].strip()
        key = reference.lower()
        if reference and key in first_line:
            problems.add(
                file,
                line,
                M_(
                    "duplicate reference %(reference)s (first on line %(line)s)",
                    reference=reference,
                    line=first_line[key],
                ),
            )
            continue
        if reference:
            first_line[key] = line
        row = parse_case(file, line, raw, problems, layout)
        if row is not None:
            rows[key] = row
        if progress is not None and i % CHUNK == 0:
            progress("check", i, len(records))
    return rows


def _check_events(
    file: str, records: Iterable[Record], rows: dict[str, Row], known: set[str], problems: Problems
) -> None:
    """Attach each event row to its case; a case with a bad event is dropped from the plan."""
    for line, raw in records:
        reference = raw["reference"].strip()
        key = reference.lower()
        if key not in known:
            problems.add(
                file,
                line,
                M_("unknown reference '%(reference)s' (not in cases)", reference=reference),
            )
            continue
        event = parse_event(file, line, raw, problems)
        target = rows.get(key)
        if target is not None:
            target.has_event_rows = True
            if event is not None:
                target.events.append(event)
            else:
                rows.pop(key)  # a bad event: the case's history cannot be checked
