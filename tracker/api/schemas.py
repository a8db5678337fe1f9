"""Request and response schemas of the API; the OpenAPI document is generated from them.

Schemas are as strict as the services: each limit a service enforces is declared here too,
so the document tells clients exactly what is accepted (and schemathesis can hold us to it).
"""

from __future__ import annotations

from typing import Any

import pycountry
from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as SchemaValidationError

from tracker.domain.vocabulary import Category, Precision, ReleaseKind, Status
from tracker.services.cases import REFERENCE_RE

NO_NUL = r"^[^\x00]*$"
# Not blank: at least one character that is neither NUL nor white space.
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
SOURCE_URL_PATTERN = r"^(https?://[^\x00\s]+)?$"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _enum(values: Any) -> validate.OneOf:
    return validate.OneOf([v.value for v in values])


class Text(fields.String):
    """A string the database can store: no NUL character and no lone surrogate."""

    def __init__(
        self, *, max_length: int | None = None, not_blank: bool = False, **kwargs: Any
    ) -> None:
        validators = list(kwargs.pop("validate", []))
        if not_blank:
            validators.append(validate.Regexp(NOT_BLANK, error="Text may not be blank."))
        else:
            validators.append(validate.Regexp(NO_NUL, error="Text may not contain NUL characters."))
        if max_length is not None:
            validators.append(validate.Length(min=1 if not_blank else 0, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise SchemaValidationError("Text may not contain NUL characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise SchemaValidationError("Text must be valid Unicode.") from None
        return text


class StrictBoolean(fields.Boolean):
    """true or false, nothing else: marshmallow would also take 1, "yes" and "on"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise SchemaValidationError("Not a boolean: use true or false.")
        return value


def _known_country(code: str) -> None:
    if pycountry.countries.get(alpha_2=code.strip()) is None:
        raise SchemaValidationError(f"'{code.strip()}' is not an ISO 3166-1 alpha-2 country code.")


class CountryCode(fields.String):
    """An ISO 3166-1 alpha-2 code in capitals; with `known_only`, unknown codes get a 422.

    The document declares only the pattern; which codes name a country is pycountry's list.
    """

    def __init__(self, *, known_only: bool = True, **kwargs: Any) -> None:
        validators: list[Any] = [
            validate.Regexp(COUNTRY_PATTERN, error="Use a two-letter code such as VN.")
        ]
        if known_only:
            validators.append(_known_country)
        super().__init__(
            validate=validators,
            metadata={"description": "ISO 3166-1 alpha-2 code, e.g. VN", "example": "VN"},
            **kwargs,
        )


class StrictSchema(Schema):
    """Input schema: unknown fields are an error, and the document says so."""

    class Meta:
        unknown = RAISE


class ErrorSchema(Schema):
    """The body of every error response."""

    error = fields.String(required=True, metadata={"description": "What went wrong, for people"})
    details = fields.Dict(
        required=True,
        metadata={
            "description": "Machine-readable context: `fields` (field -> messages), `allowed` "
            "(statuses that may follow), `current_version`, `changed_fields`, `allowed_methods`"
        },
    )


# --- cases ---------------------------------------------------------------------------------

REFERENCE = {
    "validate": [
        validate.Length(min=1, max=64),
        validate.Regexp(REFERENCE_RE.pattern, error="Use letters, digits, '.', '_' and '-' only."),
    ],
    "metadata": {"description": "The organisation's key for the case", "example": "VN-2017-TTN"},
}


class CaseFieldsSchema(StrictSchema):
    """The editable fields of a case (DESIGN.md section 4); none is required here."""

    reference = fields.String(**REFERENCE)  # type: ignore[arg-type]
    full_name = Text(max_length=200, not_blank=True)
    name_native = Text(max_length=200)
    country = CountryCode()
    category = fields.String(validate=_enum(Category))
    profession = Text(max_length=300)
    arrested_on = fields.Date(allow_none=True)
    place_of_detention = Text(max_length=300)
    charges = Text()
    sentence = Text()
    summary = Text()
    is_public = StrictBoolean(metadata={"description": "Shown to the public with consent"})
    consent_publicity = StrictBoolean()
    consent_photo = StrictBoolean()
    internal_notes = Text(metadata={"description": "Private: staff only"})
    health_notes = Text(metadata={"description": "Private: staff only"})
    family_contacts = Text(metadata={"description": "Private: staff only"})
    lawyer_contact = Text(metadata={"description": "Private: staff only"})
    detention_address = Text(metadata={"description": "Private: staff only"})


class CaseCreateSchema(CaseFieldsSchema):
    """A new case: reference, full_name, country and category are required."""

    reference = fields.String(required=True, **REFERENCE)  # type: ignore[arg-type]
    full_name = Text(max_length=200, not_blank=True, required=True)
    country = CountryCode(required=True)
    category = fields.String(required=True, validate=_enum(Category))


class CaseSchema(Schema):
    """A case as staff see it, private fields included (every token is a staff user's)."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    slug = fields.String(required=True)
    full_name = fields.String(required=True)
    name_native = fields.String(required=True)
    country = fields.String(required=True)
    category = fields.String(required=True, validate=_enum(Category))
    profession = fields.String(required=True)
    arrested_on = fields.Date(required=True, allow_none=True)
    place_of_detention = fields.String(required=True)
    charges = fields.String(required=True)
    sentence = fields.String(required=True)
    summary = fields.String(required=True)
    is_public = fields.Boolean(required=True)
    consent_publicity = fields.Boolean(required=True)
    consent_photo = fields.Boolean(required=True)
    internal_notes = fields.String(required=True)
    health_notes = fields.String(required=True)
    family_contacts = fields.String(required=True)
    lawyer_contact = fields.String(required=True)
    detention_address = fields.String(required=True)
    status = fields.String(required=True, validate=_enum(Status))
    status_since = fields.Date(required=True, allow_none=True)
    status_since_precision = fields.String(required=True, validate=_enum(Precision))
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class CaseListQuerySchema(Schema):
    """Filters and pagination of the case list."""

    status = fields.String(validate=_enum(Status))
    # A filter on a code that names no country simply finds nothing.
    country = CountryCode(known_only=False)
    category = fields.String(validate=_enum(Category))
    q = Text(max_length=200, metadata={"description": "Words in the names, reference or summary"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CaseListSchema(Schema):
    """One page of cases, ordered by id."""

    items = fields.List(fields.Nested(CaseSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class StatusChangeCreateSchema(StrictSchema):
    """A status change to record."""

    status = fields.String(required=True, validate=_enum(Status))
    effective_on = fields.Date(required=True)
    precision = fields.String(
        load_default=Precision.DAY.value,
        validate=_enum(Precision),
        metadata={"description": "How much of the date is known"},
    )
    release_kind = fields.String(
        allow_none=True,
        load_default=None,
        validate=_enum(ReleaseKind),
        metadata={"description": "Required with `released`, refused otherwise"},
    )
    note = Text(load_default="", metadata={"description": "Internal note"})
    public_note = Text(load_default="", metadata={"description": "Shown to supporters"})
    source_url = fields.String(
        load_default="",
        validate=[validate.Length(max=2000), validate.Regexp(SOURCE_URL_PATTERN)],
        metadata={"description": "An http(s) address, or empty"},
    )
    is_correction = StrictBoolean(
        load_default=False,
        metadata={"description": "Allows a date before the latest change"},
    )


class StatusChangeSchema(Schema):
    """One recorded status change."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    from_status = fields.String(required=True, allow_none=True, validate=_enum(Status))
    to_status = fields.String(required=True, validate=_enum(Status))
    effective_on = fields.Date(required=True)
    precision = fields.String(required=True, validate=_enum(Precision))
    release_kind = fields.String(required=True, allow_none=True, validate=_enum(ReleaseKind))
    is_correction = fields.Boolean(required=True)
    note = fields.String(required=True)
    public_note = fields.String(required=True)
    source_url = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Function(
        lambda change: change.recorded_by.email if change.recorded_by else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "description": "Email of the staff user who recorded it"},
    )


class HistorySchema(Schema):
    """A case's status changes, oldest first."""

    items = fields.List(fields.Nested(StatusChangeSchema), required=True)
