"""Appeals: create on a case, list a case's, read and edit one (If-Match)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.api.auth import api_user
from tracker.api.errors import ApiError
from tracker.api.etags import ENTITY_TAGS_PATTERN, etag_for, expected_version
from tracker.api.schemas import (
    AppealFieldsSchema,
    AppealListSchema,
    AppealSchema,
    ErrorSchema,
)
from tracker.extensions import db
from tracker.models import Appeal, Case
from tracker.services.letters import editing as letters

blp = Blueprint("appeals", __name__, description="Appeals: the letters written for a case")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "pattern": ENTITY_TAGS_PATTERN},
    "description": 'The ETag of the version you edited, e.g. "appeal-7-v3"',
}
ETAG_HEADER = {"ETag": {"description": "The appeal's version", "schema": {"type": "string"}}}


def _get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise ApiError(404, f"No case with id {case_id}.")
    return case


def _get_appeal(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        raise ApiError(404, f"No appeal with id {appeal_id}.")
    return appeal


def _with_etag(appeal: Appeal, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return appeal, status, {"ETag": etag_for("appeal", appeal.id, appeal.version)}


@blp.route("/cases/<id:case_id>/appeals", methods=["GET"])
@blp.response(200, AppealListSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def list_appeals(case_id: int) -> dict[str, Any]:
    """The case's appeals, ordered by id."""
    _get_case(case_id)
    items = db.session.scalars(
        select(Appeal)
        .where(Appeal.case_id == case_id)
        .options(selectinload(Appeal.copies_to), selectinload(Appeal.campaign))
        .order_by(Appeal.id)
    ).all()
    return {"items": items}


@blp.route("/cases/<id:case_id>/appeals", methods=["POST"])
@blp.arguments(AppealFieldsSchema)
@blp.response(201, AppealSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def create_appeal(fields: dict[str, Any], case_id: int) -> tuple[Any, int, dict[str, str]]:
    """Add an appeal to a case (a draft unless `status` says otherwise).

    422 for a template error in `subject` or `body` (the message is in `details.fields`),
    and for an unknown addressee or campaign.
    """
    case = _get_case(case_id)
    appeal = letters.create_appeal(db.session, api_user(), case, fields)
    db.session.commit()
    return _with_etag(appeal, 201)


@blp.route("/appeals/<id:appeal_id>", methods=["GET"])
@blp.response(200, AppealSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such appeal")
def get_appeal(appeal_id: int) -> tuple[Any, int, dict[str, str]]:
    """One appeal, with the ETag of its version."""
    return _with_etag(_get_appeal(appeal_id))


@blp.route("/appeals/<id:appeal_id>", methods=["PATCH"])
@blp.doc(parameters=[IF_MATCH])
@blp.arguments(AppealFieldsSchema)
@blp.response(200, AppealSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such appeal")
@blp.alt_response(412, schema=ErrorSchema, description="Someone else saved the appeal first")
@blp.alt_response(428, schema=ErrorSchema, description="If-Match is missing")
@blp.alt_response(400, schema=ErrorSchema, description="If-Match is not a list of ETags")
def update_appeal(fields: dict[str, Any], appeal_id: int) -> tuple[Any, int, dict[str, str]]:
    """Edit some fields of an appeal; its version grows with every edit."""
    appeal = _get_appeal(appeal_id)
    version = expected_version("appeal", appeal.id, appeal.version)
    letters.update_appeal(db.session, api_user(), appeal, fields, version)
    db.session.commit()
    return _with_etag(appeal)
