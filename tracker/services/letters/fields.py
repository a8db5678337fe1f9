"""The fields of addressees, campaigns and appeals, and the checks their edits share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from tracker.domain.dates import parse_iso_date
from tracker.domain.errors import ValidationError
from tracker.domain.values import is_country_code
from tracker.services.letters.language import LanguageError, parse_tag

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_ASKS = 12
MAX_ASK_CHARS = 600
MAX_ADDRESS_LINES = 8

ADDRESSEE_FIELDS = (
    "honorific",
    "name",
    "position",
    "institution",
    "address_lines",
    "country",
    "email",
    "salutation",
    "language",
)
CAMPAIGN_FIELDS = ("name", "slug", "description", "starts_on", "ends_on", "letter_target")
APPEAL_FIELDS = (
    "kind",
    "language",
    "addressee_id",
    "copies_to",
    "subject",
    "body",
    "asks",
    "deadline",
    "status",
    "campaign",
)
TEXT_LIMITS = {
    "honorific": 50,
    "name": 200,
    "position": 200,
    "institution": 300,
    "email": 254,
    "salutation": 200,
    "subject": 300,
    "description": 5000,
    "body": 20_000,
}


def raise_if(errors: Mapping[str, str]) -> None:
    """Raise ValidationError naming the first bad field, when there is one."""
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first]}", errors)


def reject_unknown(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Raise ValidationError when `fields` holds a name not in `allowed`."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(
            "Unknown fields: " + ", ".join(unknown), {n: "Unknown field." for n in unknown}
        )


def clean_text(name: str, value: Any, errors: dict[str, str]) -> str:
    """Trimmed text; an error when it is longer than the limit of its field."""
    text = "" if value is None else str(value).strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        errors[name] = f"At most {limit} characters."
    return text


def clean_lines(name: str, value: Any, errors: dict[str, str], limit: int, chars: int) -> list[str]:
    """Non-empty trimmed lines (from a list or a text), at most `limit` of `chars` each."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        errors[name] = "Give a list of lines."
        return []
    lines = [str(v).strip() for v in value if str(v).strip()]
    if len(lines) > limit:
        errors[name] = f"At most {limit} lines."
    elif any(len(line) > chars for line in lines):
        errors[name] = f"At most {chars} characters per line."
    return lines


def clean_date(name: str, value: Any, errors: dict[str, str]) -> dt.date | None:
    """A date from a date or ISO text (None when empty)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso_date(str(value))
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def clean_country(value: Any, errors: dict[str, str]) -> str:
    """An upper-case ISO 3166-1 alpha-2 code, or an error."""
    code = str(value or "").strip().upper()
    if code and not is_country_code(code):
        errors["country"] = f"'{value}' is not an ISO 3166-1 alpha-2 country code."
    return code


def clean_language(value: Any, errors: dict[str, str]) -> str:
    """A BCP 47 language tag Babel knows ("en" when empty), or an error ("xx" is refused)."""
    text = str(value or "").strip() or "en"
    try:
        parse_tag(text)
    except LanguageError as exc:
        errors["language"] = str(exc)
    return text
