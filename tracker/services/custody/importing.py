"""`tracker facilities import FILE.csv`: the facility directory from a spreadsheet, all or nothing.

Columns (UTF-8, comma; `name` and `country` required, the others optional):
name, name_native, kind, country, address_lines, address_lines_native, accepts_letters,
address_verified_on, languages, envelope, allowed, forbidden, notes. A cell of several lines
(addresses, rules) holds one per line; languages may also be separated by spaces or commas.
A facility of the same name (any letter case) and country is updated, never duplicated.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tracker.domain.errors import ImportFailed, ImportRowError, ValidationError, field_problems
from tracker.domain.messages import M_, Message
from tracker.domain.text import restore_formula
from tracker.models import User
from tracker.services.custody.facilities import (
    clean_facility_fields,
    create_facility,
    facility_by_name,
    update_facility,
)

COLUMNS = (
    "name",
    "name_native",
    "kind",
    "country",
    "address_lines",
    "address_lines_native",
    "accepts_letters",
    "address_verified_on",
    "languages",
    "envelope",
    "allowed",
    "forbidden",
    "notes",
)
RULE_COLUMNS = ("languages", "envelope", "allowed", "forbidden", "notes")
REQUIRED = ("name", "country")
MAX_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class FacilityImport:
    """What an import did."""

    created: int
    updated: int
    unchanged: int


def _fields(raw: dict[str, str]) -> dict[str, Any]:
    """A row's cells as the facility service's fields (only the columns the file has)."""
    cells = {k: restore_formula(v or "") for k, v in raw.items()}
    fields: dict[str, Any] = {}
    for name in ("name", "name_native", "kind", "country", "address_verified_on"):
        if name in cells:
            fields[name] = cells[name].strip()
    for name in ("address_lines", "address_lines_native"):
        if name in cells:
            fields[name] = cells[name].splitlines()
    if "accepts_letters" in cells:
        fields["accepts_letters"] = cells["accepts_letters"].strip() or "yes"
    if "kind" in fields and not fields["kind"]:
        fields["kind"] = "prison"
    rules: dict[str, Any] = {}
    if "languages" in cells:
        rules["languages"] = [t for t in re.split(r"[\s,;]+", cells["languages"]) if t]
    for name in ("envelope", "allowed", "forbidden"):
        if name in cells:
            rules[name] = cells[name].splitlines()
    if "notes" in cells:
        rules["notes"] = cells["notes"]
    if any(name in cells for name in RULE_COLUMNS):
        fields["letter_rules"] = rules
    return fields


def _read(path: str, problems: list[ImportRowError]) -> list[tuple[int, dict[str, Any]]]:
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        problems.append(ImportRowError(name, 1, M_("the file is not UTF-8 text")))
        return []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        said: list[Message] = []
        if missing:
            said.append(M_("missing column(s) %(columns)s", columns=", ".join(missing)))
        if unknown:
            said.append(M_("unknown column(s) %(columns)s", columns=", ".join(unknown)))
        if len(set(header)) != len(header):
            said.append(M_("a column is named twice"))
        joined = said[0]
        for part in said[1:]:
            joined = M_("%(first)s; %(then)s", first=joined, then=part)
        problem = M_("%(problem)s. Columns: %(columns)s", problem=joined, columns=",".join(COLUMNS))
        problems.append(ImportRowError(name, 1, problem))
        return []
    rows: list[tuple[int, dict[str, Any]]] = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                ImportRowError(
                    name,
                    start,
                    M_(
                        "expected %(expected)s cells, found %(found)s",
                        expected=len(header),
                        found=len(cells),
                    ),
                )
            )
            continue
        rows.append((start, _fields(dict(zip(header, cells, strict=True)))))
        if len(rows) > MAX_ROWS:
            too_many = M_("at most %(limit)s facilities a file", limit=MAX_ROWS)
            problems.append(ImportRowError(name, start, too_many))
            break
    return rows


def import_facilities(session: Session, actor: User | None, path: str) -> FacilityImport:
    """Check every row, then create or update the facilities; ImportFailed lists every bad row
    and nothing is written."""
    name = os.path.basename(path)
    problems: list[ImportRowError] = []
    checked: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, fields in _read(path, problems):
        try:
            clean = clean_facility_fields(fields)
        except ValidationError as error:
            detail = field_problems(error.field_errors)
            problems.append(ImportRowError(name, line, detail or error.message))
            continue
        key = (clean["name"].lower(), clean["country"])
        if key in seen:
            same = M_("the same facility as line %(line)s", line=str(seen[key]))
            problems.append(ImportRowError(name, line, same))
            continue
        seen[key] = line
        checked.append((line, fields))
    if problems:
        raise ImportFailed(problems)
    created = updated = unchanged = 0
    for line, fields in checked:
        existing = facility_by_name(session, str(fields["name"]), str(fields["country"]).upper())
        try:
            if existing is None:
                create_facility(session, actor, fields)
                created += 1
            elif update_facility(session, actor, existing, fields, existing.version):
                updated += 1
            else:
                unchanged += 1
        except ValidationError as error:
            raise ImportFailed([ImportRowError(name, line, error.message)]) from None
    return FacilityImport(created, updated, unchanged)
