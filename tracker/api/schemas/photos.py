"""OpenAPI schemas of a case's photo (issue 13): an upload as base64, and what was kept."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.api.schemas.base import StrictSchema

# The API's body limit is 1 MB, so about 750 kB of image once base64 is decoded.
MAX_BASE64 = 1_000_000


class PhotoUploadSchema(StrictSchema):
    """A photo to put on a case; it is re-encoded and every piece of metadata dropped."""

    image = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(min=1, max=MAX_BASE64),
        metadata={
            "description": "The image file (JPEG, PNG, WebP or GIF) encoded in base64; it is "
            "re-encoded as a JPEG of at most 1200 px a side without EXIF or GPS data. "
            "null removes the photo"
        },
    )


class PhotoSchema(Schema):
    """The photo as stored: re-encoded, without metadata (nulls when the case has none)."""

    case_id = fields.Integer(required=True)
    photo_type = fields.String(required=True, allow_none=True)
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
    bytes = fields.Integer(required=True, allow_none=True)
    public = fields.Boolean(
        required=True,
        metadata={"description": "Shown on the public site (public case with photo consent)"},
    )
