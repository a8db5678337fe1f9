"""Check and normalise case field values by their declaration (forms, API and imports alike)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.dates import PartialDate, parse_iso_date, parse_partial_date
from tracker.domain.errors import ValidationError
from tracker.domain.text import TextProblem, TextRefused, clean_text, is_blank
from tracker.domain.values import is_country_code, parse_bool
from tracker.domain.vocabulary import Precision

REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TEXT_MESSAGES = {
    TextProblem.CONTROL: "Control characters (such as NUL, ESC or a vertical tab) are not allowed.",
    TextProblem.SURROGATE: "Not valid Unicode text.",
    TextProblem.BLANK: "Type it with visible letters: only invisible characters were given.",
}
REQUIRED = "This field is required."


def today() -> dt.date:
    """The latest date a past event may carry: today, one day ahead for time zones east of UTC."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def check_not_future(value: dt.date) -> dt.date:
    """The date itself, or ValueError when it lies in the future."""
    if value > today():
        raise ValueError(f"{value.isoformat()} is in the future.")
    return value


def clean_line(value: Any, *, multiline: bool = False, max_length: int | None = None) -> str:
    """Text by the one text rule (see domain/text.py); ValueError with a message for people."""
    try:
        text = clean_text("" if value is None else str(value), multiline=multiline)
    except TextRefused as refused:
        raise ValueError(TEXT_MESSAGES[refused.problem]) from None
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"At most {max_length} characters.")
    return text


def clean_value(spec: CaseField, value: Any) -> Any:
    """One field's value checked and typed by its kind; ValueError with a message for people."""
    kind = spec.kind
    if kind in (Kind.REFERENCE, Kind.LINE, Kind.TEXT):
        text = clean_line(value, multiline=kind is Kind.TEXT, max_length=spec.max_length)
        if text and is_blank(text):
            raise ValueError(TEXT_MESSAGES[TextProblem.BLANK])
        if kind is Kind.REFERENCE and text and not REFERENCE_RE.match(text):
            raise ValueError("Use letters, digits, '.', '_' and '-' only.")
        return text
    if kind is Kind.BOOL:
        try:
            return parse_bool(value)
        except ValueError:
            raise ValueError(f"'{value}' is not true or false.") from None
    if kind is Kind.DATE:
        if value is None or value == "":
            return None
        if not isinstance(value, dt.date):
            value = parse_iso_date(clean_line(value))
        return check_not_future(value)
    if kind is Kind.COUNTRY:
        code = clean_line(value).upper()
        if code and not is_country_code(code):
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code.")
        return code
    if kind is Kind.PRECISION:
        text = clean_line(value)
        if text and text not in spec.choices:
            raise ValueError(f"'{value}' is not one of {', '.join(spec.choices)}.")
        return text or Precision.DAY.value
    if kind is Kind.CHOICE:
        text = clean_line(value)
        if text and text not in spec.choices:
            raise ValueError(f"'{value}' is not one of {', '.join(spec.choices)}.")
        return text if text or spec.required else None
    if kind is Kind.USER:
        if value is None or value == "":
            return None
        if isinstance(value, int) or str(value).isdigit():
            return int(value)
        raise ValueError(f"'{value}' is not a user.")
    raise ValueError("Unknown field.")  # pragma: no cover - every kind is handled above


def clean_partial_date(value: Any) -> tuple[dt.date | None, str]:
    """A date written at its precision (`2015`, `2015-05`, `2015-05-17`, as CSV files carry
    it) as (first day, precision); ValueError with a message for people."""
    if value is None or value == "":
        return None, Precision.DAY.value
    if isinstance(value, dt.date):
        return check_not_future(value), Precision.DAY.value
    when = parse_partial_date(clean_line(value))
    check_not_future(when.value)
    return when.value, when.precision.value


def clean_case_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise case fields; raise ValidationError listing every bad field."""
    specs = {f.name: f for f in case_fields()}
    unknown = set(fields) - set(specs)
    if unknown:
        raise ValidationError(
            "Unknown fields: " + ", ".join(sorted(unknown)),
            {name: "Unknown field." for name in sorted(unknown)},
        )
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            out[name] = clean_value(specs[name], value)
        except ValueError as exc:
            errors[name] = str(exc)
    for spec in specs.values():
        given = spec.name in out or not partial
        if spec.required and given and not out.get(spec.name) and spec.name not in errors:
            errors[spec.name] = REQUIRED
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first]}", errors)
    return normalise_partial_dates(out)


def normalise_partial_dates(values: dict[str, Any]) -> dict[str, Any]:
    """A date given with its precision is stored as its first day ("May 2015" is 2015-05-01)."""
    for spec in case_fields():
        date_name = spec.date_field
        if date_name is None or spec.name not in values:
            continue
        value = values.get(date_name)
        if isinstance(value, dt.date):
            values[date_name] = PartialDate.of(value, values[spec.name]).value
        elif spec.is_private and date_name in values:
            values[spec.name] = ""  # no private date, so no precision to keep
    return values
