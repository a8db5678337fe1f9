"""Request and response schemas of the API; the OpenAPI document is generated from them.

Schemas are as strict as the services: each limit a service enforces is declared here too,
so the document tells clients exactly what is accepted (and schemathesis can hold us to it).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as SchemaValidationError

from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.text import (
    MULTI_LINE_PATTERN,
    NOT_BLANK_PATTERN,
    SINGLE_LINE_PATTERN,
)
from tracker.domain.values import WEB_ADDRESS_PATTERN, is_country_code
from tracker.domain.vocabulary import (
    AppealKind,
    AppealStatus,
    Category,
    Precision,
    ReleaseKind,
    Status,
)
from tracker.models import Appeal
from tracker.services.cases.fields import REFERENCE_RE
from tracker.services.letters.fields import MAX_ADDRESS_LINES, MAX_ASK_CHARS, MAX_ASKS

COUNTRY_PATTERN = r"^[A-Z]{2}$"
SOURCE_URL_PATTERN = f"^({WEB_ADDRESS_PATTERN[1:-1]})?$"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _enum(values: Any) -> validate.OneOf:
    return validate.OneOf([v.value for v in values])


CONTROL = "Control characters (such as NUL, ESC or a vertical tab) are not allowed."
BLANK_OR_CONTROL = "Type it with visible letters, without control characters."


class Text(fields.String):
    """A string by the text rule of domain/text.py: no control character (tab and newline only
    in multi-line text), no lone surrogate; with `not_blank`, something visible."""

    def __init__(
        self,
        *,
        max_length: int | None = None,
        not_blank: bool = False,
        multiline: bool = True,
        pattern: str | None = None,
        error: str = "Not in the expected form.",
        **kwargs: Any,
    ) -> None:
        validators = list(kwargs.pop("validate", []))
        # One pattern only: the OpenAPI document can hold one per field.
        if pattern is not None:
            validators.append(validate.Regexp(pattern, error=error))
        elif not_blank:
            validators.append(validate.Regexp(NOT_BLANK_PATTERN, error=BLANK_OR_CONTROL))
        else:
            rule = MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN
            validators.append(validate.Regexp(rule, error=CONTROL))
        if max_length is not None:
            validators.append(validate.Length(min=1 if not_blank else 0, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
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
    if not is_country_code(code.strip()):
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


def _case_output_field(spec: CaseField) -> fields.Field[Any]:
    """The marshmallow field that shows one declared case field in a case."""
    kind = spec.kind
    if kind is Kind.BOOL:
        return fields.Boolean(required=True)
    if kind is Kind.DATE:
        return fields.Date(required=True, allow_none=True)
    if kind is Kind.USER:
        return fields.Integer(required=True, allow_none=True)
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


# --- addressees ----------------------------------------------------------------------------

# The services' rules, as patterns the document can carry (and without NUL characters).
EMAIL_PATTERN = r"^([^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+)?$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
CAMPAIGN_SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
LANGUAGE = {
    "pattern": LANGUAGE_PATTERN,
    "error": "Use a BCP 47 language tag such as en, fa or zh-Hans.",
    "validate": [validate.Length(min=2, max=35)],
    "metadata": {"description": "BCP 47 language tag", "example": "en"},
}


class AddresseeFieldsSchema(StrictSchema):
    """The editable fields of an addressee (DESIGN.md section 4); none is required here."""

    honorific = Text(max_length=50, metadata={"example": "H.E."})
    name = Text(max_length=200, not_blank=True)
    position = Text(max_length=200)
    institution = Text(max_length=300)
    address_lines = fields.List(
        Text(max_length=200),
        validate=validate.Length(max=MAX_ADDRESS_LINES),
        metadata={"description": "The postal address, one line each; blank lines are dropped"},
    )
    country = CountryCode()
    email = Text(
        pattern=EMAIL_PATTERN,
        error="Not an email address.",
        validate=[validate.Length(max=254)],
        metadata={"description": "An email address, or empty"},
    )
    salutation = Text(max_length=200, metadata={"example": "Dear President,"})
    language = Text(**LANGUAGE)  # type: ignore[arg-type]


class AddresseeCreateSchema(AddresseeFieldsSchema):
    """A new addressee: name and country are required."""

    name = Text(max_length=200, not_blank=True, required=True)
    country = CountryCode(required=True)


class AddresseeSchema(Schema):
    """An official in the directory."""

    id = fields.Integer(required=True)
    honorific = fields.String(required=True)
    name = fields.String(required=True)
    position = fields.String(required=True)
    institution = fields.String(required=True)
    address_lines = fields.List(fields.String(), required=True)
    country = fields.String(required=True)
    email = fields.String(required=True)
    salutation = fields.String(required=True)
    language = fields.String(required=True)
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class AddresseeListSchema(Schema):
    """One page of addressees, ordered by id."""

    items = fields.List(fields.Nested(AddresseeSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


# --- appeals -------------------------------------------------------------------------------

TEMPLATE_HELP = (
    "A letter template: placeholders such as {{ case.name }} or {{ addressee.salutation }} "
    "are filled in; a template error is answered 422 with the message"
)


class AppealFieldsSchema(StrictSchema):
    """The editable fields of an appeal (DESIGN.md section 4); none is required here."""

    kind = fields.String(validate=_enum(AppealKind))
    language = Text(**LANGUAGE)  # type: ignore[arg-type]
    addressee_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "An addressee's id (422 when there is none)"},
    )
    copies_to = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        validate=validate.Length(max=50),
        metadata={"description": "Ids of the addressees who get a copy, in order"},
    )
    subject = Text(max_length=300, metadata={"description": TEMPLATE_HELP})
    body = Text(max_length=20_000, metadata={"description": TEMPLATE_HELP})
    asks = fields.List(
        Text(max_length=MAX_ASK_CHARS),
        validate=validate.Length(max=MAX_ASKS),
        metadata={"description": "What the letter asks for, in order; blank ones are dropped"},
    )
    deadline = fields.Date(allow_none=True, metadata={"description": "Take action before"})
    status = fields.String(validate=_enum(AppealStatus))
    campaign = Text(
        pattern=CAMPAIGN_SLUG_PATTERN,
        error="Use lower-case letters, digits and '-'.",
        allow_none=True,
        validate=[validate.Length(max=120)],
        metadata={"description": "A campaign's slug (422 when there is none), or null"},
    )


def letter_pdf_url(appeal: Appeal) -> str | None:
    """The public letter PDF's site-relative address; None where the public site has none."""
    case = appeal.case
    if appeal.status == AppealStatus.DRAFT or not (case.is_public and case.consent_publicity):
        return None
    return url_for("public.letter_pdf", slug=case.slug, appeal_id=appeal.id)


class AppealSchema(Schema):
    """An appeal, with the address of its public letter PDF."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=_enum(AppealKind))
    language = fields.String(required=True)
    addressee_id = fields.Integer(required=True, allow_none=True)
    copies_to = fields.Function(
        lambda appeal: [a.id for a in appeal.copies_to],
        required=True,
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    subject = fields.String(required=True)
    body = fields.String(required=True)
    asks = fields.List(fields.String(), required=True)
    deadline = fields.Date(required=True, allow_none=True)
    status = fields.String(required=True, validate=_enum(AppealStatus))
    campaign = fields.Function(
        lambda appeal: appeal.campaign.slug if appeal.campaign else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "description": "The campaign's slug, or null"},
    )
    version = fields.Integer(required=True)
    pdf_url = fields.Function(
        lambda appeal: letter_pdf_url(appeal),
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "Site-relative address of the public letter PDF; null while the "
            "appeal is a draft or the case is not public",
        },
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AppealListSchema(Schema):
    """A case's appeals, ordered by id."""

    items = fields.List(fields.Nested(AppealSchema), required=True)


# --- the yearly report ---------------------------------------------------------------------

DATE = {"metadata": {"format": "date"}}
NULLABLE_DATE = {"allow_none": True, "metadata": {"format": "date"}}


class ReportQuerySchema(Schema):
    """Which view of the report."""

    public = fields.Boolean(
        load_default=False,
        metadata={"description": "1 for the public view (names only publishable cases)"},
    )


class ReportPersonSchema(Schema):
    """One person in a section of the report (public-safe fields only)."""

    reference = fields.String(required=True)
    name = fields.String(required=True)
    name_native = fields.String(required=True)
    country = fields.String(required=True)
    country_name = fields.String(required=True)
    category = fields.String(required=True)
    category_label = fields.String(required=True)
    effective_on = fields.String(required=True, **DATE)  # type: ignore[arg-type]
    precision = fields.String(required=True, validate=_enum(Precision))
    date_text = fields.String(required=True)
    public_note = fields.String(required=True)
    times_in_year = fields.Integer(required=True)
    letters_downloaded = fields.Integer(required=True)
    letters_sent = fields.Integer(required=True)


class ReportRestrictedSchema(ReportPersonSchema):
    """A person whose detention was eased in the year; re-arrest shown beside the name."""

    rearrested_on = fields.String(required=True, **NULLABLE_DATE)  # type: ignore[arg-type]
    rearrested_precision = fields.String(required=True, allow_none=True)
    rearrested_text = fields.String(required=True, allow_none=True)


class ReportReleasedSchema(ReportRestrictedSchema):
    """A person released in the year."""

    release_kind = fields.String(required=True, allow_none=True)
    release_kind_label = fields.String(required=True)
    days_detained = fields.Integer(required=True, allow_none=True)
    days_detained_approximate = fields.Boolean(required=True)
    detained_since = fields.String(required=True, **NULLABLE_DATE)  # type: ignore[arg-type]
    detained_since_precision = fields.String(required=True, allow_none=True)
    time_detained_text = fields.String(required=True, allow_none=True)


class SectionCountsSchema(Schema):
    """A count per section of the report."""

    released = fields.Integer(required=True)
    restricted = fields.Integer(required=True)
    died_in_custody = fields.Integer(required=True)


class PreviousYearSchema(SectionCountsSchema):
    """The year before, for comparison."""

    year = fields.Integer(required=True)
    held_at_year_end = fields.Integer(required=True, allow_none=True)


class ChangeFromPreviousYearSchema(SectionCountsSchema):
    """This year's counts minus the previous year's."""

    held_at_year_end = fields.Integer(required=True, allow_none=True)


class BarSchema(Schema):
    """One bar of a breakdown."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class MonthBarSchema(Schema):
    """One month of the breakdown by month (null: known only to the year)."""

    month = fields.Integer(required=True, allow_none=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class ReportTotalsSchema(SectionCountsSchema):
    """Totals, comparison with the year before, breakdowns of the named releases."""

    named = fields.Nested(SectionCountsSchema, required=True)
    held_at_year_end = fields.Integer(required=True, allow_none=True)
    letters_downloaded = fields.Integer(required=True)
    letters_sent = fields.Integer(required=True)
    previous_year = fields.Nested(PreviousYearSchema, required=True)
    change_from_previous_year = fields.Nested(ChangeFromPreviousYearSchema, required=True)
    by_country = fields.List(fields.Nested(BarSchema), required=True)
    by_category = fields.List(fields.Nested(BarSchema), required=True)
    by_release_kind = fields.List(fields.Nested(BarSchema), required=True)
    by_month = fields.List(fields.Nested(MonthBarSchema), required=True)


class ReleaseReportSchema(Schema):
    """The yearly report as data (DESIGN.md section 4); the public view names only
    publishable cases and counts the others under `unnamed`."""

    year = fields.Integer(required=True)
    public = fields.Boolean(required=True)
    released = fields.List(fields.Nested(ReportReleasedSchema), required=True)
    restricted = fields.List(fields.Nested(ReportRestrictedSchema), required=True)
    died_in_custody = fields.List(fields.Nested(ReportPersonSchema), required=True)
    unnamed = fields.Nested(SectionCountsSchema, required=True)
    totals = fields.Nested(ReportTotalsSchema, required=True)
