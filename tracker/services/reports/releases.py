"""The yearly report of releases: load plain rows, build the report, render HTML, PDF and CSV.

Every output comes from `build_release_report` (a JSON-ready dict) and one Jinja template,
`templates/reports/releases.html`. The query selects only public-safe columns (never a private
case field, never the internal note of a status change), so neither the template nor the JSON
can reach them; the public view then names only publishable cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from tracker.domain.dates import format_partial_date
from tracker.domain.report import (
    COUNTING_RULE,
    PUBLIC_RULE,
    Letters,
    PersonEntry,
    ReleaseReport,
    SectionCounts,
    StatusRow,
    build_report,
    duration_words,
    yearly_counts,
)
from tracker.domain.vocabulary import HELD_STATUSES, Category, ReleaseKind, Status
from tracker.models import Appeal, AppealCounter, Case, StatusChange
from tracker.paths import STATIC_DIR, TEMPLATES_DIR
from tracker.services import pdf_cache
from tracker.services.cases.editing import country_name

# Bump when the shape of the report changes without its template or stylesheets changing.
REPORT_VERSION = 1
TEMPLATE = "reports/releases.html"
DOCUMENT_LAYOUT = "reports/document.html"
SCREEN_CSS = "css/report.css"
PRINT_CSS = "css/report-print.css"
PDF_STYLESHEETS = (SCREEN_CSS, PRINT_CSS)
SECTIONS = (Status.RELEASED.value, Status.RESTRICTED.value, Status.DIED_IN_CUSTODY.value)
MIN_YEAR, MAX_YEAR = 1900, 2200
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
CSV_FIELDS = (
    "section", "reference", "name", "name_native", "country", "country_name", "category",
    "effective_on", "precision", "release_kind", "days_detained", "detained_since",
    "rearrested_on", "rearrested_precision", "public_note", "letters_downloaded", "letters_sent",
)  # fmt: skip


def valid_year(year: int) -> bool:
    """True for a year a report can be asked for."""
    return MIN_YEAR <= year <= MAX_YEAR


# -- loading ---------------------------------------------------------------------------------


def load_rows(session: Session, year: int) -> list[StatusRow]:
    """The full histories of the cases with a change to a report section in `year` or the year
    before, as plain rows of public-safe columns (one query)."""
    relevant = _relevant_case_ids(year)
    query = (
        select(
            Case.id,
            Case.reference,
            Case.full_name,
            Case.name_native,
            Case.country,
            Case.category,
            Case.is_public,
            Case.consent_publicity,
            StatusChange.id,
            StatusChange.to_status,
            StatusChange.effective_on,
            StatusChange.precision,
            StatusChange.release_kind,
            StatusChange.public_note,
        )
        .join(StatusChange, StatusChange.case_id == Case.id)
        .where(Case.id.in_(relevant))
    )
    return [
        StatusRow(
            case_id=r[0],
            reference=r[1],
            name=r[2],
            name_native=r[3] or "",
            country=r[4],
            category=r[5],
            is_publishable=bool(r[6] and r[7]),
            to_status=r[9],
            effective_on=r[10],
            precision=r[11],
            release_kind=r[12],
            public_note=r[13] or "",
            change_id=r[8],
        )
        for r in session.execute(query)
    ]


def letters_by_case(session: Session, case_ids: Iterable[int]) -> dict[int, Letters]:
    """Letters downloaded and sent per case, over every appeal and day."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    query = (
        select(Appeal.case_id, func.sum(AppealCounter.downloads), func.sum(AppealCounter.sent))
        .join(AppealCounter, AppealCounter.appeal_id == Appeal.id)
        .where(Appeal.case_id.in_(ids))
        .group_by(Appeal.case_id)
    )
    return {
        case_id: Letters(int(down or 0), int(sent or 0))
        for case_id, down, sent in session.execute(query)
    }


def held_at_end_of_year(session: Session, year: int) -> int:
    """How many cases were held on 31 December of `year` (their latest change by then)."""
    ranked = (
        select(
            StatusChange.to_status,
            func.row_number()
            .over(
                partition_by=StatusChange.case_id,
                order_by=(StatusChange.effective_on.desc(), StatusChange.id.desc()),
            )
            .label("n"),
        )
        .where(StatusChange.effective_on <= dt.date(year, 12, 31))
        .subquery()
    )
    held = [s.value for s in HELD_STATUSES]
    query = select(func.count()).select_from(ranked).where(ranked.c.n == 1)
    return int(session.scalar(query.where(ranked.c.to_status.in_(held))) or 0)


# -- building --------------------------------------------------------------------------------


def release_report(session: Session, year: int, public: bool) -> ReleaseReport:
    """The report of `year` as a domain object."""
    rows = load_rows(session, year)
    return build_report(
        rows,
        year,
        public=public,
        letters=letters_by_case(session, (r.case_id for r in rows)),
        held_at_year_end=held_at_end_of_year(session, year),
        held_at_previous_year_end=held_at_end_of_year(session, year - 1),
    )


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


def _counts(counts: SectionCounts) -> dict[str, int]:
    return {
        "released": counts.released,
        "restricted": counts.restricted,
        "died_in_custody": counts.died_in_custody,
    }


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
        "unnamed": _counts(report.unnamed),
        "totals": {
            **_counts(report.counts),
            "named": {
                "released": len(report.released),
                "restricted": len(report.restricted),
                "died_in_custody": len(report.died_in_custody),
            },
            "held_at_year_end": held,
            "letters_downloaded": sum(p["letters_downloaded"] for p in released),
            "letters_sent": sum(p["letters_sent"] for p in released),
            "previous_year": {
                "year": report.year - 1,
                **_counts(report.previous_year),
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


def year_span(session: Session) -> tuple[int, int] | None:
    """The first and last year with any status change (None when there is none)."""
    first, last = session.execute(
        select(func.min(StatusChange.effective_on), func.max(StatusChange.effective_on))
    ).one()
    if first is None or last is None:
        return None
    return first.year, last.year


def year_index(session: Session) -> list[dict[str, Any]]:
    """Counts of every year that has any status change, newest first."""
    year = extract("year", StatusChange.effective_on)
    years = {int(y) for y in session.scalars(select(year).distinct()) if y is not None}
    events = session.execute(
        select(StatusChange.case_id, year, StatusChange.to_status)
        .where(StatusChange.to_status.in_(SECTIONS))
        .distinct()
    )
    counts = yearly_counts((case_id, int(y), status) for case_id, y, status in events)
    return [
        {"year": y, **_counts(counts.get(y, SectionCounts()))} for y in sorted(years, reverse=True)
    ]


# -- rendering -------------------------------------------------------------------------------


def render_report_html(
    report: dict[str, Any],
    *,
    layout: str = DOCUMENT_LAYOUT,
    links: dict[str, str] | None = None,
    inline_css: bool = False,
) -> str:
    """The report through its one template: inside a site layout, or as a standalone document
    (for the PDF, or an HTML file with its stylesheet inlined)."""
    from flask import render_template

    css = (STATIC_DIR / SCREEN_CSS).read_text(encoding="utf-8") if inline_css else ""
    return render_template(
        TEMPLATE,
        report=report,
        layout=layout,
        document=layout == DOCUMENT_LAYOUT,
        links=links or {},
        inline_css=css,
        counting_rule=COUNTING_RULE.format(year=report["year"]),
        public_rule=PUBLIC_RULE,
    )


# A year with thousands of releases is hundreds of pages; the letter limits (6 pages, 20 s)
# would refuse it. These still stop a runaway layout.
REPORT_MAX_PAGES = 2000
REPORT_TIME_LIMIT = 600.0


def render_report_pdf(report: dict[str, Any]) -> bytes:
    """The report as a PDF (cover, contents, page numbers), through the same template."""
    from tracker.pdf import render_pdf

    return render_pdf(
        render_report_html(report),
        stylesheets=PDF_STYLESHEETS,
        max_pages=REPORT_MAX_PAGES,
        seconds=REPORT_TIME_LIMIT,
    )


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: make it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
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


# -- the PDF cache ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def design_version() -> str:
    """A hash of the template, layout and stylesheets: editing any of them renews the PDFs."""
    digest = hashlib.sha256(str(REPORT_VERSION).encode())
    for path in (
        TEMPLATES_DIR / TEMPLATE,
        TEMPLATES_DIR / DOCUMENT_LAYOUT,
        STATIC_DIR / SCREEN_CSS,
        STATIC_DIR / PRINT_CSS,
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _relevant_case_ids(year: int) -> Any:
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    return select(StatusChange.case_id).where(
        StatusChange.to_status.in_(SECTIONS),
        StatusChange.effective_on >= start,
        StatusChange.effective_on <= end,
    )


def data_fingerprint(session: Session, year: int) -> tuple[Any, ...]:
    """Aggregates that change whenever data shown in the report of `year` changes.

    Every status change anywhere moves the global count or highest id (status changes are
    append-only; a correction is a new row) and so the held-at-year-end counts. The cases
    named in the report are those with a change in Y or Y-1: any edit of one bumps its
    version (SQLAlchemy's version counter), so their sum of versions moves, and withdrawn
    consent renews the PDF at once. All of it is read through indexes, so a cached
    download stays fast on 100,000 cases.
    """
    relevant = _relevant_case_ids(year)
    changes = session.execute(select(func.count(), func.max(StatusChange.id))).one()
    named = session.execute(
        select(func.count(), func.sum(Case.version), func.max(Case.updated_at)).where(
            Case.id.in_(relevant)
        )
    ).one()
    named_changes = session.execute(
        select(func.count(), func.max(StatusChange.recorded_at)).where(
            StatusChange.case_id.in_(relevant)
        )
    ).one()
    letters = session.execute(
        select(func.count(), func.sum(AppealCounter.downloads), func.sum(AppealCounter.sent))
        .join(Appeal, Appeal.id == AppealCounter.appeal_id)
        .where(Appeal.case_id.in_(relevant))
    ).one()
    return (*changes, *named, *named_changes, *letters)


def pdf_cache_key(session: Session, year: int, public: bool, organisation: str) -> str:
    """The cache key of a year's PDF: year, view, data fingerprint and design version."""
    return pdf_cache.cache_key(
        "release-report",
        year,
        public,
        organisation,
        design_version(),
        data_fingerprint(session, year),
    )


def release_report_pdf(
    session: Session, year: int, public: bool, cache_dir: str | Path, organisation: str
) -> pdf_cache.CachedFile:
    """The cached PDF of a year's report, rendered when the data or design changed."""
    key = pdf_cache_key(session, year, public, organisation)
    return pdf_cache.get_or_render(
        cache_dir, key, lambda: render_report_pdf(build_release_report(session, year, public))
    )
