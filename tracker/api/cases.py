"""The cases resource: list, create, read, edit (If-Match), status changes and history."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.api.auth import api_user
from tracker.api.errors import ApiError
from tracker.api.etags import ENTITY_TAGS_PATTERN, etag_for, expected_version
from tracker.api.schemas import (
    CaseCreateSchema,
    CaseFieldsSchema,
    CaseListQuerySchema,
    CaseListSchema,
    CaseSchema,
    ErrorSchema,
    HistorySchema,
    StatusChangeCreateSchema,
    StatusChangeSchema,
)
from tracker.extensions import db
from tracker.models import Case, StatusChange
from tracker.services.cases import editing as case_service
from tracker.services.cases import search
from tracker.services.cases.search import CaseQuery

blp = Blueprint("cases", __name__, description="Cases and their status history")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "pattern": ENTITY_TAGS_PATTERN},
    "description": 'The ETag of the version you edited, e.g. "case-12-v3"',
}
ETAG_HEADER = {"ETag": {"description": "The case's version", "schema": {"type": "string"}}}


def _get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise ApiError(404, f"No case with id {case_id}.")
    return case


def _with_etag(case: Case, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return case, status, {"ETag": etag_for("case", case.id, case.version)}


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
    where = search.conditions(db.session, query)
    total = db.session.scalar(select(func.count(Case.id)).where(*where)) or 0
    items = db.session.scalars(
        select(Case).where(*where).order_by(Case.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@blp.route("/cases", methods=["POST"])
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema, headers=ETAG_HEADER)
@blp.alt_response(409, schema=ErrorSchema, description="A case with this reference exists")
def create_case(fields: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    """Create a case; it starts `detained` on `arrested_on` when that is given."""
    reference = fields["reference"].strip()
    existing = db.session.scalar(select(Case.id).where(Case.reference == reference))
    if existing is not None:
        raise ApiError(
            409,
            f"A case with reference {reference} exists.",
            {"fields": {"reference": ["This reference is in use."]}, "id": existing},
        )
    case = case_service.create_case(db.session, api_user(), fields)
    db.session.commit()
    return _with_etag(case, 201)


@blp.route("/cases/<id:case_id>", methods=["GET"])
@blp.response(200, CaseSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def get_case(case_id: int) -> tuple[Any, int, dict[str, str]]:
    """One case, with the ETag of its version."""
    return _with_etag(_get_case(case_id))


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
    version = expected_version("case", case.id, case.version)
    reference = (fields.get("reference") or "").strip()
    if reference and reference != case.reference:
        clash = db.session.scalar(select(Case.id).where(Case.reference == reference))
        if clash is not None:
            raise ApiError(
                409,
                f"Another case has reference {reference}.",
                {"fields": {"reference": ["This reference is in use."]}, "id": clash},
            )
    case_service.update_case(db.session, api_user(), case, fields, version)
    db.session.commit()
    return _with_etag(case)


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
    db.session.commit()
    return row, 201, {"ETag": etag_for("case", case.id, case.version)}


@blp.route("/cases/<id:case_id>/history", methods=["GET"])
@blp.response(200, HistorySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def case_history(case_id: int) -> dict[str, Any]:
    """The case's status changes, oldest first."""
    _get_case(case_id)
    rows = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.case_id == case_id)
        .options(selectinload(StatusChange.recorded_by))
        .order_by(StatusChange.effective_on, StatusChange.id)
    ).all()
    return {"items": rows}
