"""The addressee directory: list, create, read, edit (If-Match)."""

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
from tracker.api.schemas.cases import PageQuerySchema
from tracker.api.schemas.letters import (
    AddresseeCreateSchema,
    AddresseeFieldsSchema,
    AddresseeListSchema,
    AddresseeSchema,
)
from tracker.extensions import db
from tracker.models import Addressee
from tracker.services.letters import editing as letters
from tracker.services.letters.staff import addressees_by_id

blp = Blueprint("addressees", __name__, description="The directory of officials letters go to")

IF_MATCH = if_match_parameter("addressee-4-v2")
ETAG_HEADER = etag_header("addressee")


@blp.route("/addressees", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@blp.response(200, AddresseeListSchema)
def list_addressees(page: int, per_page: int) -> dict[str, Any]:
    """List the directory, one page at a time (ordered by id)."""
    found = addressees_by_id(db.session, page, per_page)
    return {"items": found.items, "total": found.total, "page": page, "per_page": per_page}


@blp.route("/addressees", methods=["POST"])
@blp.arguments(AddresseeCreateSchema)
@blp.response(201, AddresseeSchema, headers=ETAG_HEADER)
def create_addressee(fields: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    """Add an official to the directory."""
    addressee = letters.create_addressee(db.session, api_user(), fields)
    return with_etag("addressee", addressee, 201)


@blp.route("/addressees/<id:addressee_id>", methods=["GET"])
@blp.response(200, AddresseeSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such addressee")
def get_addressee(addressee_id: int) -> tuple[Any, int, dict[str, str]]:
    """One addressee, with the ETag of its version."""
    return with_etag("addressee", record_or_404(Addressee, addressee_id, "addressee"))


@blp.route("/addressees/<id:addressee_id>", methods=["PATCH"])
@blp.doc(parameters=[IF_MATCH])
@blp.arguments(AddresseeFieldsSchema)
@blp.response(200, AddresseeSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such addressee")
@blp.alt_response(412, schema=ErrorSchema, description="Someone else saved the addressee first")
@blp.alt_response(428, schema=ErrorSchema, description="If-Match is missing")
@blp.alt_response(400, schema=ErrorSchema, description="If-Match is not a list of ETags")
def update_addressee(fields: dict[str, Any], addressee_id: int) -> tuple[Any, int, dict[str, str]]:
    """Edit some fields of an addressee; every letter that uses it changes from then on."""
    addressee = record_or_404(Addressee, addressee_id, "addressee")
    return patch_versioned(
        "addressee",
        addressee,
        lambda version: letters.update_addressee(
            db.session, api_user(), addressee, fields, version
        ),
    )
