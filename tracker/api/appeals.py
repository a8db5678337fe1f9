"""Appeals: create on a case, list a case's, read and edit one (If-Match)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from tracker.api.auth import api_user
from tracker.api.records import (
    etag_header,
    if_match_parameter,
    patch_versioned,
    record_or_404,
    with_etag,
)
from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.counters import AppealWithCountsListSchema as AppealListSchema
from tracker.api.schemas.counters import AppealWithCountsSchema as AppealSchema
from tracker.api.schemas.letters import AppealFieldsSchema
from tracker.extensions import db
from tracker.models import Appeal, Case
from tracker.services.letters import editing as letters
from tracker.services.letters.staff import appeals_of_case_by_id

blp = Blueprint("appeals", __name__, description="Appeals: the letters written for a case")

IF_MATCH = if_match_parameter("appeal-7-v3")
ETAG_HEADER = etag_header("appeal")


@blp.route("/cases/<id:case_id>/appeals", methods=["GET"])
@blp.response(200, AppealListSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def list_appeals(case_id: int) -> dict[str, Any]:
    """The case's appeals, ordered by id."""
    record_or_404(Case, case_id, "case")
    return {"items": appeals_of_case_by_id(db.session, case_id)}


@blp.route("/cases/<id:case_id>/appeals", methods=["POST"])
@blp.arguments(AppealFieldsSchema)
@blp.response(201, AppealSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
def create_appeal(fields: dict[str, Any], case_id: int) -> tuple[Any, int, dict[str, str]]:
    """Add an appeal to a case (a draft unless `status` says otherwise).

    422 for a template error in `subject` or `body` (the message is in `details.fields`),
    and for an unknown addressee or campaign.
    """
    case = record_or_404(Case, case_id, "case")
    appeal = letters.create_appeal(db.session, api_user(), case, fields)
    return with_etag("appeal", appeal, 201)


@blp.route("/appeals/<id:appeal_id>", methods=["GET"])
@blp.response(200, AppealSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such appeal")
def get_appeal(appeal_id: int) -> tuple[Any, int, dict[str, str]]:
    """One appeal, with the ETag of its version."""
    return with_etag("appeal", record_or_404(Appeal, appeal_id, "appeal"))


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
    appeal = record_or_404(Appeal, appeal_id, "appeal")
    return patch_versioned(
        "appeal",
        appeal,
        lambda version: letters.update_appeal(db.session, api_user(), appeal, fields, version),
    )
