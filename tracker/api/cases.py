"""The cases resource: list, create, read, edit (If-Match), status changes and history."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from tracker.api.auth import api_user
from tracker.api.errors import ApiError
from tracker.api.etags import etag_for, expected_version
from tracker.api.records import (
    etag_header,
    if_match_parameter,
    patch_versioned,
    record_or_404,
    with_etag,
)
from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.cases import (
    CaseCreateSchema,
    CaseFieldsSchema,
    CaseListQuerySchema,
    CaseListSchema,
    CaseSchema,
    HistorySchema,
    StatusChangeCreateSchema,
    StatusChangeSchema,
)
from tracker.extensions import db
from tracker.models import Case
from tracker.services.cases import editing as case_service
from tracker.services.cases.queries import case_id_by_reference, history_of
from tracker.services.cases.search import CaseQuery, cases_by_id

blp = Blueprint("cases", __name__, description="Cases and their status history")

IF_MATCH = if_match_parameter("case-12-v3")
ETAG_HEADER = etag_header("case")


def _get_case(case_id: int) -> Case:
    return record_or_404(Case, case_id, "case")


def _refuse_taken_reference(reference: str, message: str) -> None:
    # A clash is 409 with the other case's id, which the service's 422 cannot carry.
    clash = case_id_by_reference(db.session, reference)
    if clash is not None:
        raise ApiError(
            409, message, {"fields": {"reference": ["This reference is in use."]}, "id": clash}
        )


@blp.route("/cases", methods=["GET"])
@blp.arguments(CaseListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, CaseListSchema)
def list_cases(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """List cases, filtered, one page at a time (ordered by id).

    `q` is the staff case list's full-text search: every word must begin a word of the
    names, reference or summary.
    """
    query = CaseQuery(
        q=filters.get("q") or "",
        status=filters.get("status") or "",
        country=filters.get("country") or "",
        category=filters.get("category") or "",
    ).normalised()
    found = cases_by_id(db.session, query, page, per_page)
    return {"items": found.items, "total": found.total, "page": page, "per_page": per_page}


@blp.route("/cases", methods=["POST"])
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema, headers=ETAG_HEADER)
@blp.alt_response(409, schema=ErrorSchema, description="A case with this reference exists")
def create_case(fields: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    """Create a case; it starts `detained` on `arrested_on` when that is given."""
    reference = fields["reference"].strip()
    _refuse_taken_reference(reference, f"A case with reference {reference} exists.")
    case = case_service.create_case(db.session, api_user(), fields)
    return with_etag("case", case, 201)


@blp.route("/cases/<id:case_id>", methods=["GET"])
@blp.response(200, CaseSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def get_case(case_id: int) -> tuple[Any, int, dict[str, str]]:
    """One case, with the ETag of its version."""
    return with_etag("case", _get_case(case_id))


@blp.route("/cases/<id:case_id>", methods=["PATCH"])
@blp.doc(parameters=[IF_MATCH])
@blp.arguments(CaseFieldsSchema)
@blp.response(200, CaseSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
@blp.alt_response(409, schema=ErrorSchema, description="Another case has this reference")
@blp.alt_response(412, schema=ErrorSchema, description="Someone else saved the case first")
@blp.alt_response(428, schema=ErrorSchema, description="If-Match is missing")
@blp.alt_response(400, schema=ErrorSchema, description="If-Match is not a list of ETags")
def update_case(fields: dict[str, Any], case_id: int) -> tuple[Any, int, dict[str, str]]:
    """Edit some fields of a case; If-Match must carry the ETag of the version you edited."""
    case = _get_case(case_id)

    def patch(version: int) -> None:
        reference = (fields.get("reference") or "").strip()
        if reference and reference.lower() != case.reference.lower():
            _refuse_taken_reference(reference, f"Another case has reference {reference}.")
        case_service.update_case(db.session, api_user(), case, fields, version)

    return patch_versioned("case", case, patch)


@blp.route("/cases/<id:case_id>/status", methods=["POST"])
@blp.arguments(StatusChangeCreateSchema)
@blp.response(201, StatusChangeSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
@blp.alt_response(412, schema=ErrorSchema, description="If-Match given and stale")
def change_status(change: dict[str, Any], case_id: int) -> tuple[Any, int, dict[str, str]]:
    """Record a status change (422 with `allowed` when the rules refuse it).

    If-Match is optional here: a status change never overwrites another, but a client that
    sends it is told when the case changed since it looked.
    """
    case = _get_case(case_id)
    version = expected_version("case", case.id, case.version, required=False)
    if version != case.version:
        raise ApiError(
            412,
            "Someone else saved this case after you opened it.",
            {
                "current_version": case.version,
                "changed_fields": case_service.changed_fields_since(db.session, case, version),
            },
        )
    row = case_service.change_status(
        db.session,
        api_user(),
        case,
        change["status"],
        change["effective_on"],
        precision=change["precision"],
        release_kind=change["release_kind"],
        note=change["note"],
        public_note=change["public_note"],
        source_url=change["source_url"],
        is_correction=change["is_correction"],
    )
    return row, 201, {"ETag": etag_for("case", case.id, case.version)}


@blp.route("/cases/<id:case_id>/history", methods=["GET"])
@blp.response(200, HistorySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def case_history(case_id: int) -> dict[str, Any]:
    """The case's status changes, oldest first."""
    _get_case(case_id)
    return {"items": history_of(db.session, case_id, newest_first=False)}
