"""The facility directory: list and search, create, read, edit (If-Match); each with its figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_smorest import Blueprint

from tracker.api.auth import api_user
from tracker.api.etags import etag_for
from tracker.api.records import (
    etag_header,
    if_match_parameter,
    patch_versioned,
    record_or_404,
)
from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.custody import (
    FacilityCreateSchema,
    FacilityFieldsSchema,
    FacilityListQuerySchema,
    FacilityListSchema,
    FacilitySchema,
)
from tracker.domain.custody import LetterRules, needs_verification
from tracker.extensions import db
from tracker.models import Facility
from tracker.services.custody import facilities as facility_service
from tracker.services.custody.figures import facility_figures

blp = Blueprint("facilities", __name__, description="The directory of places people are held")

IF_MATCH = if_match_parameter("facility-4-v2")
ETAG_HEADER = etag_header("facility")
FIELDS = (
    "id",
    "name",
    "name_native",
    "kind",
    "country",
    "address_lines",
    "address_lines_native",
    "accepts_letters",
    "address_verified_on",
    "version",
    "updated_at",
)


def _shown(facilities: Sequence[Facility]) -> list[dict[str, Any]]:
    """Facilities as the API shows them: fields, rules, the verification flag and figures."""
    today = dt.date.today()
    figures = facility_figures(db.session, [f.id for f in facilities], today)
    return [
        {
            **{name: getattr(f, name) for name in FIELDS},
            "letter_rules": LetterRules.from_stored(f.letter_rules).as_dict(),
            "needs_verification": needs_verification(f.address_verified_on, today),
            "stats": figures[f.id].as_dict(),
        }
        for f in facilities
    ]


def _answer(facility: Facility, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return (
        _shown([facility])[0],
        status,
        {"ETag": etag_for("facility", facility.id, facility.version)},
    )


@blp.route("/facilities", methods=["GET"])
@blp.arguments(FacilityListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, FacilityListSchema)
def list_facilities(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """List the directory (ordered by id), or search it by name (`q`) and `country`."""
    q, country = filters.get("q") or "", filters.get("country") or ""
    if q or country:
        found = facility_service.search_facilities(
            db.session, q=q, country=country, page=page, per_page=per_page
        )
    else:
        found = facility_service.facilities_by_id(db.session, page, per_page)
    return {"items": _shown(found.items), "total": found.total, "page": page, "per_page": per_page}


@blp.route("/facilities", methods=["POST"])
@blp.arguments(FacilityCreateSchema)
@blp.response(201, FacilitySchema, headers=ETAG_HEADER)
def create_facility(fields: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    """Add a facility (422 when one of that name is in that country already)."""
    facility = facility_service.create_facility(db.session, api_user(), fields)
    return _answer(facility, 201)


@blp.route("/facilities/<id:facility_id>", methods=["GET"])
@blp.response(200, FacilitySchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such facility")
def get_facility(facility_id: int) -> tuple[Any, int, dict[str, str]]:
    """One facility, with the ETag of its version and its letter figures over 365 days."""
    return _answer(record_or_404(Facility, facility_id, "facility"))


@blp.route("/facilities/<id:facility_id>", methods=["PATCH"])
@blp.doc(parameters=[IF_MATCH])
@blp.arguments(FacilityFieldsSchema)
@blp.response(200, FacilitySchema, headers=ETAG_HEADER)
@blp.alt_response(404, schema=ErrorSchema, description="No such facility")
@blp.alt_response(412, schema=ErrorSchema, description="Someone else saved the facility first")
@blp.alt_response(428, schema=ErrorSchema, description="If-Match is missing")
@blp.alt_response(400, schema=ErrorSchema, description="If-Match is not a list of ETags")
def update_facility(fields: dict[str, Any], facility_id: int) -> tuple[Any, int, dict[str, str]]:
    """Edit some fields of a facility; If-Match must carry the ETag of the version you edited."""
    facility = record_or_404(Facility, facility_id, "facility")
    patch_versioned(
        "facility",
        facility,
        lambda version: facility_service.update_facility(
            db.session, api_user(), facility, fields, version
        ),
    )
    return _answer(facility)
