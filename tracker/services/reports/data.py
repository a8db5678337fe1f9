"""The report as JSON-ready data (labels beside the codes), and as CSV and JSON files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from tracker.domain.dates import format_partial_date
from tracker.domain.report import PersonEntry, ReleaseReport, duration_words
from tracker.domain.text import neutralise_formula
from tracker.domain.values import country_name
from tracker.domain.vocabulary import Category, ReleaseKind, Status
from tracker.services.reports.releases import SECTIONS, release_report, section_counts

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
CSV_FIELDS = (
    "section", "reference", "name", "name_native", "country", "country_name", "category",
    "effective_on", "precision", "release_kind", "days_detained", "detained_since",
    "rearrested_on", "rearrested_precision", "public_note", "letters_downloaded", "letters_sent",
)  # fmt: skip


def build_release_report(session: Session, year: int, public: bool) -> dict[str, Any]:
    """The report of `year` as JSON-ready data (DESIGN.md section 4, "The report as data")."""
    return report_to_dict(release_report(session, year, public))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _person(entry: PersonEntry, section: str) -> dict[str, Any]:
    person: dict[str, Any] = {
        "reference": entry.reference,
        "name": entry.name,
        "name_native": entry.name_native,
        "country": entry.country,
        "country_name": country_name(entry.country),
        "category": entry.category,
        "category_label": Category(entry.category).label if entry.category else "",
        "effective_on": _date(entry.effective_on),
        "precision": entry.precision,
        "date_text": format_partial_date(entry.effective_on, entry.precision),
        "public_note": entry.public_note,
        "story": entry.story,
        "times_in_year": entry.times_in_year,
        "letters_downloaded": entry.letters.downloaded,
        "letters_sent": entry.letters.sent,
    }
    if section in (Status.RELEASED.value, Status.RESTRICTED.value):
        person["rearrested_on"] = _date(entry.rearrested_on)
        person["rearrested_precision"] = entry.rearrested_precision
        person["rearrested_text"] = (
            format_partial_date(entry.rearrested_on, entry.rearrested_precision or "day")
            if entry.rearrested_on
            else None
        )
    if section == Status.RELEASED.value:
        kind = entry.release_kind
        approximate = entry.days_detained_is_approximate
        person.update(
            release_kind=kind,
            release_kind_label=ReleaseKind(kind).label if kind else "",
            days_detained=entry.days_detained,
            days_detained_approximate=approximate,
            detained_since=_date(entry.detained_since),
            detained_since_precision=entry.detained_since_precision,
            time_detained_text=(
                duration_words(entry.days_detained, approximate)
                if entry.days_detained is not None
                else None
            ),
        )
    return person


def _bars(pairs: Iterable[tuple[str, int]], label: Callable[[str], str]) -> list[dict[str, Any]]:
    return [{"key": key, "label": label(key), "count": count} for key, count in pairs]


def report_to_dict(report: ReleaseReport) -> dict[str, Any]:
    """A domain report as JSON-ready data with display labels beside the codes."""
    b = report.breakdowns
    released = [_person(e, Status.RELEASED.value) for e in report.released]
    held, held_before = report.held_at_year_end, report.held_at_previous_year_end
    return {
        "year": report.year,
        "public": report.public,
        "released": released,
        "restricted": [_person(e, Status.RESTRICTED.value) for e in report.restricted],
        "died_in_custody": [
            _person(e, Status.DIED_IN_CUSTODY.value) for e in report.died_in_custody
        ],
        "unnamed": section_counts(report.unnamed),
        "totals": {
            **section_counts(report.counts),
            "named": {
                "released": len(report.released),
                "restricted": len(report.restricted),
                "died_in_custody": len(report.died_in_custody),
            },
            "held_at_year_end": held,
            "held_during_year": report.held_during_year,
            "letters_downloaded": sum(p["letters_downloaded"] for p in released),
            "letters_sent": sum(p["letters_sent"] for p in released),
            "previous_year": {
                "year": report.year - 1,
                **section_counts(report.previous_year),
                "held_at_year_end": held_before,
            },
            "change_from_previous_year": {
                "released": report.counts.released - report.previous_year.released,
                "restricted": report.counts.restricted - report.previous_year.restricted,
                "died_in_custody": (
                    report.counts.died_in_custody - report.previous_year.died_in_custody
                ),
                "held_at_year_end": (
                    held - held_before if held is not None and held_before is not None else None
                ),
            },
            "by_country": _bars(b.by_country, country_name),
            "by_category": _bars(b.by_category, lambda c: Category(c).label),
            "by_release_kind": _bars(b.by_release_kind, lambda k: ReleaseKind(k).label),
            "by_month": [
                {"month": m, "label": MONTHS[m - 1] if m else "Month not known", "count": n}
                for m, n in b.by_month
            ],
        },
    }


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: make it text.
    if isinstance(value, str):
        return neutralise_formula(value)
    return "" if value is None else value


def render_report_csv(report: dict[str, Any]) -> str:
    """One row per named person, the section first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for section in SECTIONS:
        for person in report[section]:
            writer.writerow({k: _csv_cell(v) for k, v in {**person, "section": section}.items()})
    return out.getvalue()


def render_report_json(report: dict[str, Any]) -> str:
    """The report as a JSON document."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
