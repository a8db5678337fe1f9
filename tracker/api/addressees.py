"""The addressee directory: list, create, read, edit (If-Match)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import func, select

from tracker.api.auth import api_user
from tracker.api.errors import ApiError
from tracker.api.etags import ENTITY_TAGS_PATTERN, etag_for, expected_version
from tracker.api.schemas import (
    AddresseeCreateSchema,
    AddresseeFieldsSchema,
    AddresseeListSchema,
    AddresseeSchema,
    ErrorSchema,
    PageQuerySchema,
)
from tracker.extensions import db
from tracker.models import Addressee
from tracker.services.letters import editing as letters

blp = Blueprint("addressees", __name__, description="The directory of officials letters go to")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "pattern": ENTITY_TAGS_PATTERN},
    "description": 'The ETag of the version you edited, e.g. "addressee-4-v2"',
}
ETAG_HEADER = {"ETag": {"description": "The addressee's version", "schema": {"type": "string"}}}


def _get_addressee(addressee_id: int) -> Addressee:
    addressee = db.session.get(Addressee, addressee_id)
    if addressee is None:
        raise ApiError(404, f"No addressee with id {addressee_id}.")
    return addressee


def _with_etag(addressee: Addressee, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return addressee, status, {"ETag": etag_for("addressee", addressee.id, addressee.version)}


@blp.route("/addressees", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@blp.response(200, AddresseeListSchema)
def list_addressees(page: int, per_page: int) -> dict[str, Any]:
    """List the directory, one page at a time (ordered by id)."""
    total = db.session.scalar(select(func.count(Addressee.id))) or 0
    items = db.session.scalars(
        select(Addressee).order_by(Addressee.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@blp.route("/addressees", methods=["POST"])
@blp.arguments(AddresseeCreateSchema)
@blp.response(201, AddresseeSchema, headers=ETAG_HEADER)
def create_addressee(fields: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    """Add an official to the directory."""
    addressee = letters.create_addressee(db.session, api_user(), fields)
    db.session.commit()
    return _with_etag(addressee, 201)


@blp.route("/addressees/<id:addressee_id>", methods=["GET"])
@blp.response(200, AddresseeSchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such addressee")
def get_addressee(addressee_id: int) -> tuple[Any, int, dict[str, str]]:
    """One addressee, with the ETag of its version."""
    return _with_etag(_get_addressee(addressee_id))


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
    addressee = _get_addressee(addressee_id)
    version = expected_version("addressee", addressee.id, addressee.version)
    letters.update_addressee(db.session, api_user(), addressee, fields, version)
    db.session.commit()
    return _with_etag(addressee)
