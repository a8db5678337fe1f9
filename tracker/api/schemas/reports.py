"""Schemas of the yearly report."""

from __future__ import annotations

from marshmallow import Schema, fields

from tracker.api.schemas.base import (
    _enum,
)
from tracker.domain.vocabulary import (
    Precision,
)

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
