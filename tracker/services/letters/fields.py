"""The fields of addressees, campaigns and appeals, and the checks their edits share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.dates import parse_iso_date
from tracker.domain.errors import raise_problems
from tracker.domain.messages import M_
from tracker.domain.values import is_country_code
from tracker.models import Addressee, Campaign
from tracker.services.cases.fields import not_a_country, unknown_fields
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
    raise_problems(errors)


def reject_unknown(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Raise ValidationError when `fields` holds a name not in `allowed`."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise unknown_fields(unknown)


def clean_text(name: str, value: Any, errors: dict[str, str]) -> str:
    """Trimmed text; an error when it is longer than the limit of its field."""
    text = "" if value is None else str(value).strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        errors[name] = M_("At most %(limit)s characters.", limit=limit)
    return text


def clean_lines(name: str, value: Any, errors: dict[str, str], limit: int, chars: int) -> list[str]:
    """Non-empty trimmed lines (from a list or a text), at most `limit` of `chars` each."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        errors[name] = M_("Give a list of lines.")
        return []
    lines = [str(v).strip() for v in value if str(v).strip()]
    if len(lines) > limit:
        errors[name] = M_("At most %(limit)s lines.", limit=limit)
    elif any(len(line) > chars for line in lines):
        errors[name] = M_("At most %(limit)s characters per line.", limit=chars)
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
        errors["country"] = not_a_country(value)
    return code


def clean_language(value: Any, errors: dict[str, str]) -> str:
    """A BCP 47 language tag Babel knows ("en" when empty), or an error ("xx" is refused)."""
    text = str(value or "").strip() or "en"
    try:
        parse_tag(text)
    except LanguageError as exc:
        errors["language"] = str(exc)
    return text


def addressee_id_of(session: Session, value: Any, name: str, errors: dict[str, str]) -> int | None:
    """The id of an existing addressee (None when empty), or an error under `name`."""
    if value in (None, ""):
        return None
    try:
        ident = int(value)
    except (TypeError, ValueError):
        errors[name] = M_("Not an addressee id.")
        return None
    if session.get(Addressee, ident) is None:
        errors[name] = M_("No addressee %(id)s.", id=str(ident))
    return ident


def copies_of(session: Session, value: Any, errors: dict[str, str]) -> list[Addressee]:
    """The addressees a letter is copied to, each once (ids, one or a list)."""
    if value in (None, ""):
        return []
    if isinstance(value, (str, int)):
        value = [value]
    found: list[Addressee] = []
    for item in value:
        ident = addressee_id_of(session, item, "copies_to", errors)
        if ident is None:
            continue
        addressee = session.get(Addressee, ident)
        if addressee is not None and addressee not in found:
            found.append(addressee)
    return found


def campaign_id_of(session: Session, value: Any, errors: dict[str, str]) -> int | None:
    """The id of the campaign of a slug (None when empty), or an error."""
    if value in (None, ""):
        return None
    ident = session.scalar(select(Campaign.id).where(Campaign.slug == str(value)))
    if ident is None:
        errors["campaign"] = M_("No campaign '%(slug)s'.", slug=value)
    return ident
