"""The yearly report of releases as data."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.reports import ReleaseReportSchema, ReportQuerySchema
from tracker.extensions import db
from tracker.services.reports.data import build_release_report

blp = Blueprint("reports", __name__, description="The yearly report of releases")


@blp.route("/reports/releases/<report_year:year>", methods=["GET"])
@blp.arguments(ReportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ReleaseReportSchema)
@blp.alt_response(404, schema=ErrorSchema, description="A year outside 1900-2200")
def release_report(year: int, public: bool) -> dict[str, Any]:
    """The report of `year`: the staff view names everyone, `public=1` only publishable cases."""
    return build_release_report(db.session, year, public)
