"""A case's photo: upload (re-encoded without metadata), or removal with `null`."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from flask_smorest import Blueprint
from PIL import Image

from tracker.api.auth import api_user
from tracker.api.records import record_or_404
from tracker.api.schemas.base import ErrorSchema
from tracker.api.schemas.photos import PhotoSchema, PhotoUploadSchema
from tracker.domain.errors import ValidationError
from tracker.extensions import db
from tracker.models import Case
from tracker.services.cases.photos import remove_photo, set_photo

blp = Blueprint("photos", __name__, description="A case's photo, shown only with photo consent")


def _stored(case: Case) -> dict[str, Any]:
    if case.photo is None or not case.photo_type:
        return {
            "case_id": case.id,
            "photo_type": None,
            "width": None,
            "height": None,
            "bytes": None,
            "public": False,
        }
    data = bytes(case.photo)
    width, height = Image.open(io.BytesIO(data)).size
    return {
        "case_id": case.id,
        "photo_type": case.photo_type,
        "width": width,
        "height": height,
        "bytes": len(data),
        "public": bool(case.is_public and case.consent_publicity and case.consent_photo),
    }


@blp.route("/cases/<id:case_id>/photo", methods=["PUT"])
@blp.arguments(PhotoUploadSchema)
@blp.response(200, PhotoSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such case")
@blp.alt_response(422, schema=ErrorSchema, description="Not an image, or too many pixels")
def put_photo(fields: dict[str, Any], case_id: int) -> dict[str, Any]:
    """Put a photo on a case, replacing any (`null` removes it); 422 for what is not an image."""
    case = record_or_404(Case, case_id, "case")
    if fields["image"] is None:
        remove_photo(db.session, api_user(), case)
        return _stored(case)
    try:
        data = base64.b64decode(fields["image"], validate=True)
    except (binascii.Error, ValueError):
        message = "image: not base64."
        raise ValidationError(message, {"photo": message}) from None
    set_photo(db.session, api_user(), case, data)
    return _stored(case)
