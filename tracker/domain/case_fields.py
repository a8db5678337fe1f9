"""Each case field declared once: the form, the API schemas, the CSV columns, the export, the
demo loader, the service's checks and the privacy list all follow from CASE_FIELDS.

Adding a field: one CaseField here, a migration for its column, and the templates that show
it. Labels are plain English msgids (a later pass wraps them in gettext).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker.domain.vocabulary import Category, ConsentGiver, Precision


class Kind(StrEnum):
    """What a field holds, which decides how it is checked, typed and shown in a form."""

    REFERENCE = "reference"  # the natural key: letters, digits, '.', '_', '-'
    LINE = "line"  # one line of text
    TEXT = "text"  # text of several lines (newlines and tabs kept)
    COUNTRY = "country"  # ISO 3166-1 alpha-2 code
    CHOICE = "choice"  # one of `choices`
    BOOL = "bool"
    DATE = "date"  # a past date (never after today)
    PRECISION = "precision"  # how much of the date field `<name>_precision` names is known
    USER = "user"  # a staff user's id


class Privacy(StrEnum):
    """Who may see a field's value."""

    PUBLIC = "public"  # shown on public pages once the case is publishable
    STAFF = "staff"  # staff only, but not secret (consents, assignment): audited with values
    PRIVATE = "private"  # never leaves the staff side; audited as "changed", never by value


@dataclass(frozen=True, slots=True)
class CaseField:
    """One editable field of a case."""

    name: str
    kind: Kind
    label: str
    privacy: Privacy = Privacy.PUBLIC
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    csv: bool = False  # a column of cases.csv (DESIGN.md section 4) and of the export
    api: bool = True  # read and written through the JSON API
    description: str = ""

    @property
    def date_field(self) -> str | None:
        """For a PRECISION field, the date field it qualifies (`arrested_on` for
        `arrested_on_precision`); None for every other kind."""
        if self.kind is not Kind.PRECISION:
            return None
        return self.name.removesuffix("_precision")

    @property
    def is_private(self) -> bool:
        """True for a field whose value never reaches a public output or the audit log."""
        return self.privacy is Privacy.PRIVATE


_CATEGORIES = tuple(c.value for c in Category)
_GIVERS = tuple(g.value for g in ConsentGiver)
_PRECISIONS = tuple(p.value for p in Precision)

CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField(
        "reference",
        Kind.REFERENCE,
        "Reference",
        required=True,
        max_length=64,
        csv=True,
        description="The organisation's key for the case",
    ),
    CaseField("full_name", Kind.LINE, "Full name", required=True, max_length=200, csv=True),
    CaseField("name_native", Kind.LINE, "Name in native script", max_length=200, csv=True),
    CaseField("country", Kind.COUNTRY, "Country", required=True, csv=True),
    CaseField("category", Kind.CHOICE, "Category", required=True, choices=_CATEGORIES, csv=True),
    CaseField("profession", Kind.LINE, "Profession", max_length=300, csv=True),
    # In cases.csv `arrested_on` is written at its precision (YYYY, YYYY-MM or YYYY-MM-DD), so
    # the precision has no column of its own there.
    CaseField("arrested_on", Kind.DATE, "Arrested on", csv=True),
    CaseField(
        "arrested_on_precision",
        Kind.PRECISION,
        "Arrest date known to the",
        choices=_PRECISIONS,
        description="day, month or year: how much of arrested_on is known",
    ),
    CaseField("place_of_detention", Kind.LINE, "Place of detention", max_length=300),
    # Printed in letters: the letter check assumes these bounds (PLACEHOLDER_MAX_CHARS).
    CaseField("charges", Kind.TEXT, "Charges", max_length=2_000),
    CaseField("sentence", Kind.TEXT, "Sentence", max_length=1_000),
    CaseField("summary", Kind.TEXT, "Summary", csv=True),
    CaseField(
        "assigned_to_id",
        Kind.USER,
        "Assigned caseworker",
        privacy=Privacy.STAFF,
        api=False,
    ),
    CaseField(
        "is_public",
        Kind.BOOL,
        "Show on the public site",
        privacy=Privacy.STAFF,
        csv=True,
        description="Shown to the public with consent",
    ),
    CaseField(
        "consent_publicity",
        Kind.BOOL,
        "Publicity consent recorded",
        privacy=Privacy.STAFF,
        csv=True,
    ),
    CaseField(
        "consent_publicity_by",
        Kind.CHOICE,
        "Publicity consent given by",
        privacy=Privacy.STAFF,
        choices=_GIVERS,
    ),
    CaseField(
        "consent_publicity_on",
        Kind.DATE,
        "Publicity consent date",
        privacy=Privacy.STAFF,
    ),
    CaseField("consent_photo", Kind.BOOL, "Photo consent recorded", privacy=Privacy.STAFF),
    CaseField(
        "consent_photo_by",
        Kind.CHOICE,
        "Photo consent given by",
        privacy=Privacy.STAFF,
        choices=_GIVERS,
    ),
    CaseField("consent_photo_on", Kind.DATE, "Photo consent date", privacy=Privacy.STAFF),
    CaseField(
        "consent_detention_address",
        Kind.BOOL,
        "Detention address may go on solidarity mail",
        privacy=Privacy.STAFF,
    ),
    CaseField(
        "consent_detention_address_by",
        Kind.CHOICE,
        "Detention address consent given by",
        privacy=Privacy.STAFF,
        choices=_GIVERS,
    ),
    CaseField(
        "consent_detention_address_on",
        Kind.DATE,
        "Detention address consent date",
        privacy=Privacy.STAFF,
    ),
    CaseField(
        "birthday_public",
        Kind.BOOL,
        "Birthday (day and month, never the year) may be shown",
        privacy=Privacy.STAFF,
    ),
    CaseField("internal_notes", Kind.TEXT, "Internal notes", privacy=Privacy.PRIVATE),
    CaseField("health_notes", Kind.TEXT, "Health and risk notes", privacy=Privacy.PRIVATE),
    CaseField("family_contacts", Kind.TEXT, "Family contacts", privacy=Privacy.PRIVATE),
    CaseField("lawyer_contact", Kind.TEXT, "Lawyer contact", privacy=Privacy.PRIVATE),
    CaseField("detention_address", Kind.TEXT, "Detention address", privacy=Privacy.PRIVATE),
    CaseField("birth_date", Kind.DATE, "Date of birth", privacy=Privacy.PRIVATE),
    CaseField(
        "birth_date_precision",
        Kind.PRECISION,
        "Date of birth known to the",
        privacy=Privacy.PRIVATE,
        choices=_PRECISIONS,
    ),
)

# cases.csv carries the status columns (history, not fields) after this field (DESIGN.md 4).
CSV_STATUS_AFTER = "arrested_on"
CSV_STATUS_COLUMNS = ("status", "status_on", "release_kind")


def case_fields() -> tuple[CaseField, ...]:
    """The declaration as it is now (read at call time, so a test can add a field)."""
    return CASE_FIELDS


def field_named(name: str) -> CaseField:
    """The declaration of one field; KeyError when there is none."""
    for f in case_fields():
        if f.name == name:
            return f
    raise KeyError(name)


def private_field_names() -> tuple[str, ...]:
    """Fields that must never reach a public page, PDF, feed or anonymous API answer."""
    return tuple(f.name for f in case_fields() if f.is_private)


def precision_field_of(name: str) -> CaseField | None:
    """The PRECISION field that says how much of the date field `name` is known, if any."""
    for f in case_fields():
        if f.date_field == name:
            return f
    return None


def transfer_column(spec: CaseField) -> str | None:
    """A field's column in the case export and import (None: it has none of its own).

    A precision is written in its date's column (`2015-05`); the assigned caseworker is the
    `assigned_to` column, by email, as ids differ between installations.
    """
    if spec.kind is Kind.PRECISION:
        return None
    if spec.kind is Kind.USER:
        return spec.name.removesuffix("_id")
    return spec.name


def transfer_fields(include_private: bool = False) -> tuple[CaseField, ...]:
    """The fields the case export carries: the contract's columns first, then every other
    public and staff field, and the private ones only when asked for."""
    first = csv_fields()
    rest = tuple(
        f
        for f in case_fields()
        if not f.csv and transfer_column(f) is not None and (include_private or not f.is_private)
    )
    return first + rest


def transfer_columns(include_private: bool = False) -> tuple[str, ...]:
    """The header of an exported cases.csv: DESIGN.md's columns, then the other fields'."""
    extra = tuple(
        column
        for f in transfer_fields(include_private)
        if not f.csv and (column := transfer_column(f)) is not None
    )
    return csv_columns() + extra


def csv_fields() -> tuple[CaseField, ...]:
    """The fields that are columns of cases.csv, in the file's order."""
    return tuple(f for f in case_fields() if f.csv)


def csv_columns() -> tuple[str, ...]:
    """The header of cases.csv: the CSV fields with the status columns in their place."""
    columns: list[str] = []
    for f in csv_fields():
        columns.append(f.name)
        if f.name == CSV_STATUS_AFTER:
            columns.extend(CSV_STATUS_COLUMNS)
    return tuple(columns)
