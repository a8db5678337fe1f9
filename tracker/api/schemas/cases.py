"""Schemas of cases, their status changes and their history; case fields come from the one
declaration in domain/case_fields.py."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from tracker.api.schemas.base import (
    SOURCE_URL_PATTERN,
    CountryCode,
    StrictBoolean,
    StrictSchema,
    Text,
    _enum,
)
from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.vocabulary import (
    Category,
    Precision,
    ReleaseKind,
    Status,
)
from tracker.services.cases.fields import REFERENCE_RE

# --- cases ---------------------------------------------------------------------------------


def _case_input_field(spec: CaseField, *, create: bool) -> fields.Field[Any]:
    """The marshmallow field that takes one declared case field as input."""
    required = create and spec.required
    metadata: dict[str, Any] = {}
    if spec.description or spec.is_private:
        metadata["description"] = spec.description or "Private: staff only"
    kind = spec.kind
    if kind is Kind.REFERENCE:
        return Text(
            pattern=REFERENCE_RE.pattern,
            error="Use letters, digits, '.', '_' and '-' only.",
            validate=[validate.Length(min=1, max=spec.max_length or 64)],
            required=required,
            metadata={**metadata, "example": "VN-2017-TTN"},
        )
    if kind in (Kind.LINE, Kind.TEXT):
        return Text(
            max_length=spec.max_length,
            not_blank=spec.required,
            multiline=kind is Kind.TEXT,
            required=required,
            metadata=metadata,
        )
    if kind is Kind.COUNTRY:
        return CountryCode(required=required)
    if kind is Kind.PRECISION:
        return fields.String(
            required=False, validate=validate.OneOf(spec.choices), metadata=metadata
        )
    if kind is Kind.CHOICE:
        return fields.String(
            required=required,
            allow_none=not spec.required,
            validate=validate.OneOf(spec.choices),
            metadata=metadata,
        )
    if kind is Kind.BOOL:
        return StrictBoolean(required=required, metadata=metadata)
    if kind is Kind.DATE:
        return fields.Date(required=required, allow_none=True, metadata=metadata)
    return fields.Integer(required=required, allow_none=True, metadata=metadata)


class _Precision(fields.String):
    """How much of a date is known; stored empty when no date is, which reads as null."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(value or None, attr, obj, **kwargs)


def _case_output_field(spec: CaseField) -> fields.Field[Any]:
    """The marshmallow field that shows one declared case field in a case."""
    kind = spec.kind
    if kind is Kind.BOOL:
        return fields.Boolean(required=True)
    if kind is Kind.DATE:
        return fields.Date(required=True, allow_none=True)
    if kind is Kind.USER:
        return fields.Integer(required=True, allow_none=True)
    if kind is Kind.PRECISION:
        return _Precision(
            required=True,
            allow_none=True,
            validate=validate.OneOf(spec.choices),
            metadata={"description": "null while the date is unknown"},
        )
    if kind is Kind.CHOICE:
        return fields.String(
            required=True, allow_none=not spec.required, validate=validate.OneOf(spec.choices)
        )
    return fields.String(required=True)


class CaseReadOnlySchema(Schema):
    """What every case shows beside its fields."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    status = fields.String(required=True, validate=_enum(Status))
    status_since = fields.Date(required=True, allow_none=True)
    status_since_precision = fields.String(required=True, validate=_enum(Precision))
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)
    facility_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The current facility: that of the newest placement (read-only)"},
    )


def case_schemas(
    declared: tuple[CaseField, ...],
) -> tuple[type[Schema], type[Schema], type[Schema]]:
    """(fields, create, case) schemas with one field per declared case field the API carries."""
    api = [spec for spec in declared if spec.api]
    edit = StrictSchema.from_dict(
        {spec.name: _case_input_field(spec, create=False) for spec in api}, name="CaseFields"
    )
    create = StrictSchema.from_dict(
        {spec.name: _case_input_field(spec, create=True) for spec in api}, name="CaseCreate"
    )
    case = CaseReadOnlySchema.from_dict(
        {spec.name: _case_output_field(spec) for spec in api}, name="Case"
    )
    edit.__doc__ = "The editable fields of a case (DESIGN.md section 4); none is required here."
    create.__doc__ = "A new case: reference, full_name, country and category are required."
    case.__doc__ = "A case as staff see it, private fields included (tokens are staff users')."
    return edit, create, case


CaseFieldsSchema, CaseCreateSchema, CaseSchema = case_schemas(case_fields())


class CaseListQuerySchema(Schema):
    """Filters and pagination of the case list."""

    status = fields.String(validate=_enum(Status))
    # A filter on a code that names no country simply finds nothing.
    country = CountryCode(known_only=False)
    category = fields.String(validate=_enum(Category))
    q = Text(
        max_length=200,
        metadata={"description": "Words that begin words of the names, reference or summary"},
    )
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


class PageQuerySchema(Schema):
    """Pagination of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
