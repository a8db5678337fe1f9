"""The report as a document: its one template, rendered to standalone HTML or to PDF."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tracker.domain.messages import N_
from tracker.domain.report import COUNTING_RULE, PUBLIC_RULE
from tracker.paths import STATIC_DIR, TEMPLATES_DIR
from tracker.services.reports.localised import (
    TRANSLATIONS_DIR,
    direction,
    localised_report,
    site_translations,
)
from tracker.services.templating import render_document_in

# Bump when the shape of the report changes without its template or stylesheets changing.
REPORT_VERSION = 1
TEMPLATE = "reports/releases.html"
DOCUMENT_LAYOUT = "reports/document.html"
SCREEN_CSS = "css/report.css"
PRINT_CSS = "css/report-print.css"
PDF_STYLESHEETS = (SCREEN_CSS, PRINT_CSS)


# The opening paragraph when the instance config sets none (REPORT_INTRODUCTION).
DEFAULT_INTRODUCTION = N_(
    "Every year {organisation} looks back on the people it campaigned for. This report "
    "names those who walked free in {year}, those who left prison but are not yet free, and "
    "those who did not live to be released, and it counts what happened to everyone we "
    "followed. Each of them was held for exercising their rights; each release is also the "
    "work of the people who wrote to them and to the authorities."
)


def introduction(
    config: Mapping[str, Any], year: int, organisation: str, language: str = "en"
) -> str:
    """The report's opening paragraph: REPORT_INTRODUCTION from the instance config (it may
    say {year} and {organisation}, and is shown as written), else DEFAULT_INTRODUCTION in
    `language`."""
    given = config.get("REPORT_INTRODUCTION")
    text = str(given) if given else site_translations(language).gettext(DEFAULT_INTRODUCTION)
    try:
        return text.format(year=year, organisation=organisation)
    except (KeyError, IndexError, ValueError):
        return text  # braces of its own: shown as written


def report_context(
    report: dict[str, Any],
    *,
    layout: str = DOCUMENT_LAYOUT,
    links: dict[str, str] | None = None,
    inline_css: bool = False,
    opening: str = "",
    language: str = "en",
) -> dict[str, Any]:
    """What TEMPLATE needs: inside a site layout (the web page renders it), or as a document.
    `report` is already in `language` (localised_report); the rules are worded in it here."""
    css = (STATIC_DIR / SCREEN_CSS).read_text(encoding="utf-8") if inline_css else ""
    words = site_translations(language)
    return {
        "report_language": language,
        "report_direction": direction(language),
        "opening": opening,
        "report": report,
        "layout": layout,
        "document": layout == DOCUMENT_LAYOUT,
        "links": links or {},
        "inline_css": css,
        "counting_rule": words.gettext(COUNTING_RULE).format(year=report["year"]),
        "public_rule": words.gettext(PUBLIC_RULE),
    }


def render_report_html(
    report: dict[str, Any],
    *,
    organisation: str,
    inline_css: bool = False,
    opening: str = "",
    language: str = "en",
) -> str:
    """The report as a standalone document (for the PDF, or an HTML file with its stylesheet
    inlined), through the same template as the web page, in `language`."""
    shown = localised_report(report, language)
    context = report_context(shown, inline_css=inline_css, opening=opening, language=language)
    return render_document_in(language, TEMPLATE, organisation_name=organisation, **context)


# A year with thousands of releases is hundreds of pages; the letter limits (6 pages, 20 s)
# would refuse it. These still stop a runaway layout.
REPORT_MAX_PAGES = 2000
REPORT_TIME_LIMIT = 600.0


def render_report_pdf(
    report: dict[str, Any], *, organisation: str, opening: str = "", language: str = "en"
) -> bytes:
    """The report as a PDF (title page with the opening and the figures, the people, page
    numbers), through the same template."""
    from tracker.pdf import render_pdf

    return render_pdf(
        render_report_html(report, organisation=organisation, opening=opening, language=language),
        stylesheets=PDF_STYLESHEETS,
        max_pages=REPORT_MAX_PAGES,
        seconds=REPORT_TIME_LIMIT,
    )


@lru_cache(maxsize=1)
def design_version() -> str:
    """A hash of the template, layout and stylesheets: editing any of them renews the PDFs."""
    digest = hashlib.sha256(str(REPORT_VERSION).encode())
    for path in (
        TEMPLATES_DIR / TEMPLATE,
        TEMPLATES_DIR / DOCUMENT_LAYOUT,
        STATIC_DIR / SCREEN_CSS,
        STATIC_DIR / PRINT_CSS,
        *sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.mo")),
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
