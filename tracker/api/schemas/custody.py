"""Schemas of the custody resources (DESIGN.md section 5): facilities with their letter figures,
placements, hearings and letter reports. As strict as the services (tracker.services.custody)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.api.schemas.base import (
    MAX_ID,
    SOURCE_URL_PATTERN,
    CountryCode,
    StrictBoolean,
    StrictSchema,
    Text,
)
from tracker.api.schemas.letters import LANGUAGE_PATTERN
from tracker.domain.custody import (
    MAX_RULE_CHARS,
    MAX_RULE_ITEMS,
    MAX_RULE_NOTES,
    FacilityKind,
    HearingKind,
    LetterReportKind,
)
from tracker.domain.vocabulary import Precision
from tracker.services.custody.facilities import MAX_ADDRESS_LINES, MAX_LINE_CHARS
from tracker.services.custody.letter_reports import MAX_COUNT
from tracker.services.custody.placements import MAX_COURT, MAX_NOTE


def _one_of(
    values: type[FacilityKind] | type[HearingKind] | type[LetterReportKind],
) -> validate.OneOf:
    return validate.OneOf([v.value for v in values])


def _rule_list(description: str, item: fields.Field | None = None) -> fields.List:
    return fields.List(
        item or Text(max_length=MAX_RULE_CHARS, multiline=False),
        validate=validate.Length(max=MAX_RULE_ITEMS),
        metadata={"description": description},
    )


class LetterRulesSchema(StrictSchema):
    """What a facility lets through; every key is optional on input."""

    languages = _rule_list(
        "BCP 47 tags of the languages the censor lets through",
        Text(
            pattern=LANGUAGE_PATTERN,
            error="Use a BCP 47 language tag such as ru, be or fa.",
            validate=[validate.Length(min=2, max=35)],
        ),
    )
    envelope = _rule_list("What the envelope must carry, one line each")
    allowed = _rule_list("What may be enclosed")
    forbidden = _rule_list("What must not be written or enclosed")
    notes = Text(max_length=MAX_RULE_NOTES)


class LetterRulesOutSchema(Schema):
    """A facility's letter rules as stored."""

    languages = fields.List(fields.String(), required=True)
    envelope = fields.List(fields.String(), required=True)
    allowed = fields.List(fields.String(), required=True)
    forbidden = fields.List(fields.String(), required=True)
    notes = fields.String(required=True)


def _lines(description: str) -> fields.List:
    return fields.List(
        Text(max_length=MAX_LINE_CHARS, multiline=False),
        validate=validate.Length(max=MAX_ADDRESS_LINES),
        metadata={"description": description},
    )


class FacilityFieldsSchema(StrictSchema):
    """The editable fields of a facility; none is required here."""

    name = Text(max_length=200, not_blank=True, metadata={"example": "Zanjan Central Prison"})
    name_native = Text(max_length=200, multiline=False)
    kind = fields.String(validate=_one_of(FacilityKind))
    country = CountryCode()
    address_lines = _lines("The postal address in Latin script, one line each")
    address_lines_native = _lines("The postal address in the local script, one line each")
    accepts_letters = StrictBoolean()
    address_verified_on = fields.Date(
        allow_none=True, metadata={"description": "When the address was last checked"}
    )
    letter_rules = fields.Nested(LetterRulesSchema)


class FacilityCreateSchema(FacilityFieldsSchema):
    """A new facility: name and country are required."""

    name = Text(max_length=200, not_blank=True, required=True)
    country = CountryCode(required=True)


class LetterStatsSchema(Schema):
    """Letters over the last 365 days; the rate of those that got through from 10 reports."""

    posted = fields.Integer(required=True)
    returned = fields.Integer(required=True)
    replies = fields.Integer(required=True)
    get_through_rate = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Delivered and replied to over reported letters; null below 10"},
    )


class FacilitySchema(Schema):
    """A facility of the directory, with its letter figures."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_native = fields.String(required=True)
    kind = fields.String(required=True, validate=_one_of(FacilityKind))
    country = fields.String(required=True)
    address_lines = fields.List(fields.String(), required=True)
    address_lines_native = fields.List(fields.String(), required=True)
    accepts_letters = fields.Boolean(required=True)
    address_verified_on = fields.Date(required=True, allow_none=True)
    needs_verification = fields.Boolean(
        required=True, metadata={"description": "Never verified, or not for over 180 days"}
    )
    letter_rules = fields.Nested(LetterRulesOutSchema, required=True)
    stats = fields.Nested(LetterStatsSchema, required=True)
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class FacilityListQuerySchema(Schema):
    """Search and pagination of the directory."""

    q = Text(max_length=200, multiline=False, metadata={"description": "Part of the name"})
    country = CountryCode(known_only=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class FacilityListSchema(Schema):
    """One page of facilities, ordered by id."""

    items = fields.List(fields.Nested(FacilitySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


RECORDED_BY = {
    "required": True,
    "allow_none": True,
    "metadata": {"type": "string", "description": "Email of the staff user who recorded it"},
}


def _recorded_by(row: object) -> str | None:
    user = getattr(row, "recorded_by", None)
    return user.email if user is not None else None


class PlacementCreateSchema(StrictSchema):
    """A move of the person into a facility."""

    facility_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "A facility's id (422 when there is none)"},
    )
    effective_on = fields.Date(required=True)
    precision = fields.String(
        load_default=Precision.DAY.value, validate=validate.OneOf([p.value for p in Precision])
    )
    source_url = fields.String(
        load_default="",
        validate=[validate.Length(max=2000), validate.Regexp(SOURCE_URL_PATTERN)],
        metadata={"description": "An http(s) address, or empty"},
    )
    public_note = Text(load_default="", max_length=MAX_NOTE)


class PlacementSchema(Schema):
    """One placement; the newest is the case's current facility."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    facility_id = fields.Integer(required=True)
    facility_name = fields.Function(
        lambda p: p.facility.name, required=True, metadata={"type": "string"}
    )
    effective_on = fields.Date(required=True)
    precision = fields.String(required=True)
    source_url = fields.String(required=True)
    public_note = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Function(_recorded_by, **RECORDED_BY)  # type: ignore[arg-type]


class PlacementListSchema(Schema):
    """A case's placements, oldest first."""

    items = fields.List(fields.Nested(PlacementSchema), required=True)


class HearingCreateSchema(StrictSchema):
    """A day in court."""

    on = fields.Date(required=True)
    kind = fields.String(load_default=HearingKind.HEARING.value, validate=_one_of(HearingKind))
    court = Text(load_default="", max_length=MAX_COURT, multiline=False)
    public_note = Text(load_default="", max_length=MAX_NOTE)


class HearingSchema(Schema):
    """One hearing."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    on = fields.Date(required=True)
    kind = fields.String(required=True, validate=_one_of(HearingKind))
    court = fields.String(required=True)
    public_note = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Function(_recorded_by, **RECORDED_BY)  # type: ignore[arg-type]


class HearingListSchema(Schema):
    """A case's hearings, earliest first."""

    items = fields.List(fields.Nested(HearingSchema), required=True)


class LetterReportCreateSchema(StrictSchema):
    """Letters of one kind on one day; the facility is the person's on that day."""

    kind = fields.String(required=True, validate=_one_of(LetterReportKind))
    on = fields.Date(required=True)
    count = fields.Integer(
        load_default=1, strict=True, validate=validate.Range(min=1, max=MAX_COUNT)
    )
    note = Text(load_default="", max_length=2000, metadata={"description": "Private: staff only"})


class LetterReportSchema(Schema):
    """One letter report."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    facility_id = fields.Integer(required=True, allow_none=True)
    kind = fields.String(required=True, validate=_one_of(LetterReportKind))
    on = fields.Date(required=True)
    count = fields.Integer(required=True)
    note = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Function(_recorded_by, **RECORDED_BY)  # type: ignore[arg-type]


class LetterReportListSchema(Schema):
    """A case's letter reports, oldest first."""

    items = fields.List(fields.Nested(LetterReportSchema), required=True)
