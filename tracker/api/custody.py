"""A case's placements, hearings and letter reports: list, record, and remove a mistaken one."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from tracker.api.auth import api_user
from tracker.api.records import record_or_404
from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.custody import (
    HearingCreateSchema,
    HearingListSchema,
    HearingSchema,
    LetterReportCreateSchema,
    LetterReportListSchema,
    LetterReportSchema,
    PlacementCreateSchema,
    PlacementListSchema,
    PlacementSchema,
)
from tracker.extensions import db
from tracker.models import Case
from tracker.services.custody import corrections, letter_reports, placements

blp = Blueprint(
    "custody", __name__, description="Where a person is held, their hearings, letters' fate"
)
NO_CASE = "No such case"
NO_ROW = "No such case, or no such record on it"


def _case(case_id: int) -> Case:
    return record_or_404(Case, case_id, "case")


@blp.route("/cases/<id:case_id>/placements", methods=["GET"])
@blp.response(200, PlacementListSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def list_placements(case_id: int) -> dict[str, Any]:
    """The case's moves between facilities, oldest first; the last is the current facility."""
    _case(case_id)
    return {"items": placements.placements_of(db.session, case_id)}


@blp.route("/cases/<id:case_id>/placements", methods=["POST"])
@blp.arguments(PlacementCreateSchema)
@blp.response(201, PlacementSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def add_placement(placement: dict[str, Any], case_id: int) -> tuple[Any, int]:
    """Record a move into a facility (422 for an unknown facility or a date in the future)."""
    row = placements.add_placement(
        db.session,
        api_user(),
        _case(case_id),
        placement["facility_id"],
        placement["effective_on"],
        precision=placement["precision"],
        source_url=placement["source_url"],
        public_note=placement["public_note"],
    )
    return row, 201


@blp.route("/cases/<id:case_id>/hearings", methods=["GET"])
@blp.response(200, HearingListSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def list_hearings(case_id: int) -> dict[str, Any]:
    """The case's hearings, earliest first."""
    _case(case_id)
    return {"items": placements.hearings_of(db.session, case_id)}


@blp.route("/cases/<id:case_id>/hearings", methods=["POST"])
@blp.arguments(HearingCreateSchema)
@blp.response(201, HearingSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def add_hearing(hearing: dict[str, Any], case_id: int) -> tuple[Any, int]:
    """Record a day in court, past or coming."""
    row = placements.add_hearing(
        db.session,
        api_user(),
        _case(case_id),
        hearing["on"],
        kind=hearing["kind"],
        court=hearing["court"],
        public_note=hearing["public_note"],
    )
    return row, 201


@blp.route("/cases/<id:case_id>/letter-reports", methods=["GET"])
@blp.response(200, LetterReportListSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def list_letter_reports(case_id: int) -> dict[str, Any]:
    """The case's letter reports, oldest first (notes are private: staff tokens only)."""
    _case(case_id)
    return {"items": letter_reports.letter_reports_of(db.session, case_id)}


@blp.route("/cases/<id:case_id>/letter-reports", methods=["POST"])
@blp.arguments(LetterReportCreateSchema)
@blp.response(201, LetterReportSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NO_CASE)
def add_letter_report(report: dict[str, Any], case_id: int) -> tuple[Any, int]:
    """Record letters returned, replied to or delivered on a day (not in the future)."""
    row = letter_reports.add_letter_report(
        db.session,
        api_user(),
        _case(case_id),
        report["kind"],
        report["on"],
        count=report["count"],
        note=report["note"],
    )
    return row, 201


@blp.route("/cases/<id:case_id>/placements/<id:placement_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description=NO_ROW)
def remove_placement(case_id: int, placement_id: int) -> None:
    """Remove a move recorded by mistake; the newest remaining one is the current facility."""
    corrections.remove_placement(db.session, api_user(), _case(case_id), placement_id)


@blp.route("/cases/<id:case_id>/hearings/<id:hearing_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description=NO_ROW)
def remove_hearing(case_id: int, hearing_id: int) -> None:
    """Remove a day in court that was postponed, cancelled or recorded by mistake."""
    corrections.remove_hearing(db.session, api_user(), _case(case_id), hearing_id)


@blp.route("/cases/<id:case_id>/letter-reports/<id:report_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description=NO_ROW)
def remove_letter_report(case_id: int, report_id: int) -> None:
    """Remove a letter report recorded by mistake (the facility's figures follow)."""
    corrections.remove_letter_report(db.session, api_user(), _case(case_id), report_id)
