"""Read import files: strict UTF-8, CSV records under an exact header, or a JSON export."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from operator import methodcaller
from pathlib import Path
from typing import IO, Any

from tracker.domain.case_fields import csv_columns, transfer_columns
from tracker.domain.errors import ImportFailed, ImportRowError
from tracker.domain.messages import M_
from tracker.domain.text import restore_formula

EVENT_COLUMNS = (
    "reference",
    "status",
    "effective_on",
    "precision",
    "release_kind",
    "public_note",
    "source_url",
)

Source = str | os.PathLike[str] | IO[str]
_quoted = methodcaller("startswith", "'")
Record = tuple[int, dict[str, str]]


class Problems:
    """Collects every problem of an import, in file and line order."""

    def __init__(self) -> None:
        self.items: list[ImportRowError] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.items.append(ImportRowError(file, line, message))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda p: (p.file, p.line))
            raise ImportFailed(self.items)


def name_of(source: Source) -> str:
    """The file name to put in front of a problem."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def read_text(source: Source, problems: Problems) -> str | None:
    """The whole file as text; None (and a problem on the line it happens) unless it is UTF-8."""
    if not isinstance(source, str | os.PathLike):
        return source.read()
    name, data = name_of(source), Path(source).read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(name, 1, M_("the file is UTF-16: save it as UTF-8 and import it again"))
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.add(name, line, M_("a NUL byte, which no text holds: save the file as UTF-8 text"))
        return None
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark in front of the header.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(
            name,
            line,
            M_(
                "not UTF-8 text (byte %(byte)s): save the file as UTF-8 and import it again",
                byte=f"0x{data[exc.start]:02x}",
            ),
        )
        return None
    return text


def read_csv(
    source: Source, columns: tuple[str, ...], problems: Problems, optional: tuple[str, ...] = ()
) -> Iterator[Record]:
    """Yield (line, row) for each record; a wrong header or field count is a problem.

    The header is `columns` in their order, then any of `optional` (the export's further
    fields); a row holds the columns of its file. A cell the export quoted against
    spreadsheet formulas ("'=...") is read back as it was.
    """
    name = name_of(source)
    text = read_text(source, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.add(
            name,
            1,
            M_("wrong header: the file is empty; expected %(columns)s", columns=",".join(columns)),
        )
        return
    except csv.Error as exc:
        problems.add(name, 1, M_("unreadable CSV: %(problem)s", problem=str(exc)))
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    extra = header[len(columns) :]
    if tuple(header[: len(columns)]) != columns:
        problems.add(
            name,
            1,
            M_(
                "wrong header: expected %(columns)s, found %(found)s",
                columns=",".join(columns),
                found=",".join(header),
            ),
        )
        return
    unknown = [c for c in extra if c not in optional]
    if unknown or len(set(extra)) != len(extra):
        named = {"extra": ",".join(unknown or extra), "columns": ",".join(columns)}
        if optional:
            problem = M_(
                "wrong header: unknown or repeated column(s) %(extra)s; after %(columns)s a "
                "file may carry %(optional)s",
                optional=",".join(optional),
                **named,
            )
        else:
            problem = M_(
                "wrong header: unknown or repeated column(s) %(extra)s; after %(columns)s a "
                "file may carry nothing",
                **named,
            )
        problems.add(name, 1, problem)
        return
    columns = tuple(header)
    last = reader.line_num
    while True:
        start = last + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(name, start, M_("unreadable CSV: %(problem)s", problem=str(exc)))
            return
        last = reader.line_num
        if not record or record == [""]:
            continue
        if len(record) != len(columns):
            problems.add(
                name,
                start,
                M_(
                    "expected %(expected)s fields, found %(found)s",
                    expected=len(columns),
                    found=len(record),
                ),
            )
            continue
        # Only a cell starting with a quote can be one the export quoted.
        if any(map(_quoted, record)):
            record = [restore_formula(v) if v[:1] == "'" else v for v in record]
        yield start, dict(zip(columns, record, strict=True))


def read_json(source: Source, problems: Problems) -> tuple[list[Record], list[Record]]:
    """Cases and events of an export document; the "line" of an entry is its case number."""
    name = name_of(source)
    text = read_text(source, problems)
    if text is None:
        return [], []
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(name, exc.lineno, M_("not a JSON document: %(problem)s", problem=str(exc)))
        return [], []
    except RecursionError:  # finding 10: nested deeper than the parser recurses
        problems.add(name, 1, M_("not a JSON document: nested too deeply"))
        return [], []
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        problems.add(name, 1, M_('wrong document: expected {"cases": [...]}'))
        return [], []
    columns = csv_columns()
    optional = [c for c in transfer_columns(include_private=True) if c not in columns]
    cases: list[Record] = []
    events: list[Record] = []
    for number, item in enumerate(document["cases"], start=1):
        if not isinstance(item, dict):
            problems.add(name, number, M_("each case must be an object"))
            continue
        raw = {c: _json_text(item.get(c)) for c in columns}
        raw.update({c: _json_text(item[c]) for c in optional if c in item})
        cases.append((number, raw))
        history = item.get("history") or []
        for event in history if isinstance(history, list) else []:
            if not isinstance(event, dict):
                problems.add(name, number, M_("each history entry must be an object"))
                continue
            row = {c: _json_text(event.get(c)) for c in EVENT_COLUMNS if c != "reference"}
            events.append((number, {"reference": _json_text(item.get("reference")), **row}))
    return cases, events


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
