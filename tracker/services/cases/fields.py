"""Check and normalise case field values by their declaration (forms, API and imports alike)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.dates import PartialDate, parse_iso_date, parse_partial_date
from tracker.domain.errors import ValidationError, raise_problems
from tracker.domain.messages import M_, Message
from tracker.domain.text import TextProblem, TextRefused, clean_text, is_blank
from tracker.domain.values import is_country_code, parse_bool
from tracker.domain.vocabulary import Precision

REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TEXT_MESSAGES = {
    TextProblem.CONTROL: M_(
        "Control characters (such as NUL, ESC or a vertical tab) are not allowed."
    ),
    TextProblem.SURROGATE: M_("Not valid Unicode text."),
    TextProblem.BLANK: M_("Type it with visible letters: only invisible characters were given."),
}
REQUIRED = M_("This field is required.")
EPOCH = dt.date(1970, 1, 1)
DAY = Precision.DAY.value


UNKNOWN_FIELD = M_("Unknown field.")


def not_a_country(value: object) -> Message:
    """The message for a value that is no ISO 3166-1 alpha-2 code."""
    return M_("'%(value)s' is not an ISO 3166-1 alpha-2 country code.", value=value)


def not_one_of(value: object, choices: Iterable[str]) -> Message:
    """The message for a value outside its list of tokens."""
    return M_("'%(value)s' is not one of %(choices)s.", value=value, choices=", ".join(choices))


def unknown_fields(names: Iterable[str]) -> ValidationError:
    """The error for field names a form or request may not carry."""
    unknown = sorted(names)
    return ValidationError(
        M_("Unknown fields: %(names)s", names=", ".join(unknown)),
        dict.fromkeys(unknown, UNKNOWN_FIELD),
    )


def today() -> dt.date:
    """The latest date a past event may carry: today, one day ahead for time zones east of UTC."""
    return _day_after(int(time.time() // 86_400))


@functools.lru_cache(maxsize=1)
def _day_after(days_since_epoch: int) -> dt.date:
    # Worked out once a (UTC) day: an import checks hundreds of thousands of dates.
    return EPOCH + dt.timedelta(days=days_since_epoch + 1)


def check_not_future(value: dt.date) -> dt.date:
    """The date itself, or ValueError when it lies in the future."""
    if value > today():
        raise ValueError(M_("%(day)s is in the future.", day=value))
    return value


def clean_line(value: Any, *, multiline: bool = False, max_length: int | None = None) -> str:
    """Text by the one text rule (see domain/text.py); ValueError with a message for people."""
    text = "" if value is None else str(value).strip()
    if not text.isprintable():  # printable text passes the rule as it is (see clean_text)
        try:
            text = clean_text(text, multiline=multiline)
        except TextRefused as refused:
            raise ValueError(TEXT_MESSAGES[refused.problem]) from None
    if max_length is not None and len(text) > max_length:
        raise ValueError(M_("At most %(limit)s characters.", limit=max_length))
    return text


def clean_value(spec: CaseField, value: Any) -> Any:
    """One field's value checked and typed by its kind; ValueError with a message for people."""
    kind = spec.kind
    if kind in (Kind.REFERENCE, Kind.LINE, Kind.TEXT):
        text = clean_line(value, multiline=kind is Kind.TEXT, max_length=spec.max_length)
        if text and is_blank(text):
            raise ValueError(TEXT_MESSAGES[TextProblem.BLANK])
        if kind is Kind.REFERENCE and text and not REFERENCE_RE.match(text):
            raise ValueError(M_("Use letters, digits, '.', '_' and '-' only."))
        return text
    if kind is Kind.BOOL:
        try:
            return parse_bool(value)
        except ValueError:
            raise ValueError(M_("'%(value)s' is not true or false.", value=value)) from None
    if kind is Kind.DATE:
        if value is None or value == "":
            return None
        if not isinstance(value, dt.date):
            value = parse_iso_date(clean_line(value))
        return check_not_future(value)
    if kind is Kind.COUNTRY:
        code = clean_line(value).upper()
        if code and not is_country_code(code):
            raise ValueError(not_a_country(value))
        return code
    if kind is Kind.PRECISION:
        text = clean_line(value)
        if text and text not in spec.choices:
            raise ValueError(not_one_of(value, spec.choices))
        return text or Precision.DAY.value
    if kind is Kind.CHOICE:
        text = clean_line(value)
        if text and text not in spec.choices:
            raise ValueError(not_one_of(value, spec.choices))
        return text if text or spec.required else None
    if kind is Kind.USER:
        if value is None or value == "":
            return None
        if isinstance(value, int) or str(value).isdigit():
            return int(value)
        raise ValueError(M_("'%(value)s' is not a user.", value=value))
    raise ValueError(UNKNOWN_FIELD)  # pragma: no cover - every kind is handled above


def clean_partial_date(value: Any) -> tuple[dt.date | None, str]:
    """A date written at its precision (`2015`, `2015-05`, `2015-05-17`, as CSV files carry
    it) as (first day, precision); ValueError with a message for people."""
    if value is None or value == "":
        return None, DAY
    if isinstance(value, dt.date):
        return check_not_future(value), DAY
    text = clean_line(value)
    if len(text) == 10:
        # YYYY-MM-DD, most dates: read as parse_partial_date reads it (parse_iso_date), without
        # building a PartialDate; anything else takes the long way and its message.
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return check_not_future(day), DAY
    when = parse_partial_date(text)
    check_not_future(when.value)
    return when.value, when.precision.value


def clean_case_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise case fields; raise ValidationError listing every bad field."""
    specs = {f.name: f for f in case_fields()}
    unknown = set(fields) - set(specs)
    if unknown:
        raise unknown_fields(unknown)
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
    raise_problems(errors)
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
