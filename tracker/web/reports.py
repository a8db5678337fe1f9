"""The yearly report of releases on the web: public and staff pages, PDF, CSV, year index."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, Response, abort, current_app, render_template, send_file, url_for

from tracker.extensions import db
from tracker.i18n import current_language
from tracker.services.reports import releases as reports
from tracker.services.reports.cached_pdf import release_report_pdf
from tracker.services.reports.data import build_release_report, render_report_csv
from tracker.services.reports.document import TEMPLATE, introduction, report_context
from tracker.services.reports.localised import localised_report
from tracker.web.access import staff_required

bp = Blueprint("reports", __name__)

PUBLIC_LAYOUT = "public/layout.html"
STAFF_LAYOUT = "staff/layout.html"


def _check(year: int) -> None:
    if not reports.valid_year(year):
        abort(404)


def _links(year: int, prefix: str) -> dict[str, str]:
    links = {
        "index": url_for(f"reports.{prefix}index"),
        "pdf": url_for(f"reports.{prefix}pdf", year=year),
        "csv": url_for(f"reports.{prefix}csv", year=year),
    }
    if prefix:
        # A thousand people make a long PDF: staff can have it prepared by the worker.
        links["pdf_job"] = url_for("jobs.start_release_report", year=year)
    # Step through the years that hold records (and up to this year), not 1900 to 2200.
    span = reports.year_span(db.session)
    first, last = span if span else (year, year)
    last = max(last, dt.date.today().year)
    if first < year <= last + 1:
        links["previous"] = url_for(f"reports.{prefix}releases", year=year - 1)
    if first - 1 <= year < last:
        links["next"] = url_for(f"reports.{prefix}releases", year=year + 1)
    return links


def _page(year: int, public: bool) -> str:
    _check(year)
    language = current_language()
    report = localised_report(build_release_report(db.session, year, public), language)
    layout = PUBLIC_LAYOUT if public else STAFF_LAYOUT
    links = _links(year, "" if public else "staff_")
    config = current_app.config
    opening = introduction(config, year, config["ORGANISATION_NAME"], language)
    context = report_context(report, layout=layout, links=links, opening=opening, language=language)
    return render_template(TEMPLATE, **context)


def _pdf(year: int, public: bool) -> Response:
    _check(year)
    cached = release_report_pdf(
        db.session,
        year,
        public,
        current_app.config["PDF_CACHE_DIR"],
        current_app.config["ORGANISATION_NAME"],
        current_app.config,
        language=current_language(),  # the PDF speaks the visitor's language, as the page
    )
    suffix = "" if public else "-staff"
    # Bytes, not the path: no file handle is left to the WSGI server to close.
    response = send_file(
        io.BytesIO(cached.data),
        mimetype="application/pdf",
        download_name=f"releases-{year}{suffix}.pdf",
        etag=cached.etag,
        conditional=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-store"
    return response


def _csv(year: int, public: bool) -> Response:
    _check(year)
    report = build_release_report(db.session, year, public)
    suffix = "" if public else "-staff"
    response = Response(render_report_csv(report), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="releases-{year}{suffix}.csv"'
    if not public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _index(public: bool) -> str:
    return render_template(
        "reports/index.html",
        layout=PUBLIC_LAYOUT if public else STAFF_LAYOUT,
        years=reports.year_index(db.session),
        report_endpoint="reports.releases" if public else "reports.staff_releases",
    )


@bp.get("/reports/releases/")
def index() -> str:
    return _index(public=True)


@bp.get("/reports/releases/<int:year>")
def releases(year: int) -> str:
    return _page(year, public=True)


@bp.get("/reports/releases/<int:year>.pdf")
def pdf(year: int) -> Response:
    return _pdf(year, public=True)


@bp.get("/reports/releases/<int:year>.csv")
def csv(year: int) -> Response:
    return _csv(year, public=True)


@bp.get("/staff/reports/releases/")
@staff_required
def staff_index() -> str:
    return _index(public=False)


@bp.get("/staff/reports/releases/<int:year>")
@staff_required
def staff_releases(year: int) -> str:
    return _page(year, public=False)


@bp.get("/staff/reports/releases/<int:year>.pdf")
@staff_required
def staff_pdf(year: int) -> Response:
    return _pdf(year, public=False)


@bp.get("/staff/reports/releases/<int:year>.csv")
@staff_required
def staff_csv(year: int) -> Response:
    return _csv(year, public=False)
