"""The report's PDF on disk, keyed by the year, the view, the data shown and the design."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Appeal, AppealCounter, Case, StatusChange
from tracker.services.pdf_cache import CachedFile, cache_key, get_or_render
from tracker.services.reports.data import build_release_report
from tracker.services.reports.document import design_version, introduction, render_report_pdf
from tracker.services.reports.releases import relevant_case_ids


def data_fingerprint(session: Session, year: int) -> tuple[Any, ...]:
    """Aggregates that change whenever data shown in the report of `year` changes.

    Every status change anywhere moves the global count or highest id (status changes are
    append-only; a correction is a new row) and so the held-at-year-end counts. The cases
    named in the report are those with a change in Y or Y-1: any edit of one bumps its
    version (SQLAlchemy's version counter), so their sum of versions moves, and withdrawn
    consent renews the PDF at once. All of it is read through indexes, so a cached
    download stays fast on 100,000 cases.
    """
    relevant = relevant_case_ids(year)
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


def pdf_cache_key(
    session: Session,
    year: int,
    public: bool,
    organisation: str,
    opening: str = "",
    language: str = "en",
) -> str:
    """The cache key of a year's PDF: year, view, language, opening, data fingerprint, design
    version (which hashes the compiled catalogs too: a corrected translation renews it)."""
    return cache_key(
        "release-report",
        year,
        public,
        language,
        organisation,
        opening,
        design_version(),
        data_fingerprint(session, year),
    )


def release_report_pdf(
    session: Session,
    year: int,
    public: bool,
    cache_dir: str | Path,
    organisation: str,
    config: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> CachedFile:
    """The cached PDF of a year's report, rendered when the data, design or opening changed;
    the opening paragraph comes from the instance `config` (REPORT_INTRODUCTION). Its words
    are in `language`, by default the site's DEFAULT_LANGUAGE (the CLI and the worker)."""
    language = language or str((config or {}).get("DEFAULT_LANGUAGE") or "en")
    opening = introduction(config or {}, year, organisation, language)
    key = pdf_cache_key(session, year, public, organisation, opening, language)
    return get_or_render(
        cache_dir,
        key,
        lambda: render_report_pdf(
            build_release_report(session, year, public),
            organisation=organisation,
            opening=opening,
            language=language,
        ),
    )
