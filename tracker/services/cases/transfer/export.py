"""Export every case with its history as a CSV pair or one JSON document; both import back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import (
    Kind,
    precision_field_of,
    transfer_column,
    transfer_columns,
    transfer_fields,
)
from tracker.domain.dates import iso_partial_date
from tracker.domain.text import neutralise_formula
from tracker.domain.vocabulary import Status
from tracker.models import Case, StatusChange, User
from tracker.services import audit
from tracker.services.cases.transfer.history import CHUNK, EVENT_KEY
from tracker.services.cases.transfer.read import EVENT_COLUMNS
from tracker.services.cases.transfer.write import Progress


def events_path_for(path: str | os.PathLike[str]) -> Path:
    """Where `export -o cases.csv` writes the events: `cases-events.csv` beside it."""
    p = Path(path)
    return p.with_name(f"{p.stem}-events{p.suffix or '.csv'}")


def _text(value: Any) -> Any:
    """A value as the import reads it (booleans stay booleans, for JSON)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _export_rows(
    session: Session, include_private: bool
) -> Iterator[tuple[dict[str, Any], list[dict[str, str]]]]:
    """Every case as cases.csv columns, with its history as events.csv columns."""
    fields = transfer_fields(include_private)
    names = [f.name for f in fields]
    columns = {f.name: transfer_column(f) or f.name for f in fields}
    users = [f.name for f in fields if f.kind is Kind.USER]
    emails: dict[int, str] = (
        {i: e for i, e in session.execute(select(User.id, User.email))} if users else {}
    )
    # A date with a precision field is written at its precision (`2015-05` for May 2015).
    partial = {n: p.name for n in names if (p := precision_field_of(n)) is not None}
    case_query = (
        select(
            Case.id,
            *[getattr(Case, n) for n in names],
            *[getattr(Case, p) for p in partial.values()],
            Case.status,
            Case.status_since,
        )
        .order_by(Case.id)
        .execution_options(yield_per=5000)
    )
    event_query = (
        select(StatusChange.case_id, *[getattr(StatusChange, k) for k in EVENT_KEY])
        .order_by(StatusChange.case_id, StatusChange.sort_on, StatusChange.id)
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
        case = {columns[n]: _text(getattr(c, n)) for n in names}
        for name, precision in partial.items():
            value = getattr(c, name)
            case[name] = iso_partial_date(value, getattr(c, precision)) if value else ""
        for name in users:
            case[columns[name]] = emails.get(getattr(c, name), "")
        case["status"] = c.status
        case["status_on"] = _text(c.status_since)
        case["release_kind"] = last_kind if c.status == Status.RELEASED.value else ""
        yield case, history


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise_formula(str(value))


def export_cases(
    session: Session,
    fmt: str,
    out: IO[str],
    events_out: IO[str] | None = None,
    *,
    include_private: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write every case with its history; csv needs `events_out`. Returns the number of cases.

    The file holds DESIGN.md's columns, then every other public and staff field of the case
    declaration; private fields (decrypted) only with `include_private`. CSV cells a
    spreadsheet would run as formulas (= + - @) are quoted with "'", which the import takes
    off again. The caller audits the export (record_export).
    """
    total = session.scalar(select(func.count()).select_from(Case)) or 0
    count = 0
    if fmt == "csv":
        if events_out is None:
            raise ValueError("a CSV export needs a second stream for the events")
        columns = transfer_columns(include_private)
        cases_writer = csv.writer(out, lineterminator="\n")
        events_writer = csv.writer(events_out, lineterminator="\n")
        cases_writer.writerow(columns)
        events_writer.writerow(EVENT_COLUMNS)
        for case, history in _export_rows(session, include_private):
            cases_writer.writerow([_csv_cell(case[c]) for c in columns])
            events_writer.writerows([_csv_cell(e[c]) for c in EVENT_COLUMNS] for e in history)
            count += 1
            if progress is not None and count % CHUNK == 0:
                progress("export", count, total)
    elif fmt == "json":
        # One case per line: the document stays diffable and streams without building it whole.
        out.write('{"format": "tracker-cases", "version": 1, "cases": [\n')
        for case, history in _export_rows(session, include_private):
            item: dict[str, Any] = dict(case)
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


def record_export(
    session: Session, actor: User | None, fmt: str, count: int, include_private: bool
) -> None:
    """Audit a case export: who took the cases, in which format, private fields or not."""
    audit.record(
        session,
        actor,
        "cases.export",
        format=fmt,
        cases=count,
        include_private=include_private,
    )
    session.flush()


def export_to_strings(
    session: Session, fmt: str, include_private: bool = False
) -> tuple[str, str | None]:
    """The export as text (for tests and small data sets): (cases or document, events)."""
    out, events = io.StringIO(), io.StringIO() if fmt == "csv" else None
    export_cases(session, fmt, out, events, include_private=include_private)
    return out.getvalue(), events.getvalue() if events is not None else None
