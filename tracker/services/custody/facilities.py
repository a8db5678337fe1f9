"""The facility directory: check, create, edit (stale-checked), search, flag old addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.custody import (
    VERIFY_EVERY,
    FacilityKind,
    RuleProblem,
    check_rules,
)
from tracker.domain.dates import is_known_language
from tracker.domain.errors import StaleEdit, ValidationError
from tracker.domain.messages import M_
from tracker.domain.text import TextRefused, clean_text, is_blank
from tracker.domain.values import parse_bool
from tracker.models import Facility, User, utcnow
from tracker.services import audit
from tracker.services.cases.fields import unknown_fields
from tracker.services.letters.fields import clean_country, clean_date, clean_lines, raise_if
from tracker.services.pagination import Page, paginate
from tracker.services.versions import flush_edit

FACILITY_FIELDS = (
    "name",
    "name_native",
    "kind",
    "country",
    "address_lines",
    "address_lines_native",
    "accepts_letters",
    "address_verified_on",
    "letter_rules",
)
TEXT_LIMITS = {"name": 200, "name_native": 200}
MAX_ADDRESS_LINES = 8
MAX_LINE_CHARS = 200
STALE = M_("Someone else saved this facility after you opened it.")
RULE_MESSAGES = {
    RuleProblem.NOT_AN_OBJECT: M_("Give the rules as an object of lists and notes."),
    RuleProblem.UNKNOWN_KEY: M_(
        "Unknown rule: use languages, envelope, allowed, forbidden, notes."
    ),
    RuleProblem.NOT_A_LIST: M_("Give a list of lines (notes: a text)."),
    RuleProblem.TOO_MANY: M_("At most 20 lines."),
    RuleProblem.TOO_LONG: M_("Too long (300 characters a line, 2,000 for the notes)."),
    RuleProblem.BAD_LANGUAGE: M_("Use BCP 47 language tags such as ru, be or fa."),
}
REQUIRED = M_("This field is required.")
TWIN = M_("A facility with this name exists in this country.")


def _text(name: str, value: Any, errors: dict[str, str]) -> str:
    try:
        text = clean_text("" if value is None else str(value))
    except TextRefused:
        errors[name] = M_("Type it with visible letters, without control characters.")
        return ""
    if len(text) > TEXT_LIMITS[name]:
        errors[name] = M_("At most %(limit)s characters.", limit=TEXT_LIMITS[name])
    return text


def _lines(name: str, value: Any, errors: dict[str, str]) -> list[str]:
    lines = clean_lines(name, value, errors, MAX_ADDRESS_LINES, MAX_LINE_CHARS)
    for line in lines:
        try:
            clean_text(line)
        except TextRefused:
            errors[name] = M_("Control characters are not allowed.")
    return lines


def clean_facility_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise facility fields; raise ValidationError naming every bad field."""
    unknown = sorted(set(fields) - set(FACILITY_FIELDS))
    if unknown:
        raise unknown_fields(unknown)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_LIMITS:
            out[name] = _text(name, value, errors)
        elif name in ("address_lines", "address_lines_native"):
            out[name] = _lines(name, value, errors)
        elif name == "country":
            out[name] = clean_country(value, errors)
        elif name == "kind":
            out[name] = str(value or FacilityKind.PRISON.value)
            if out[name] not in {k.value for k in FacilityKind}:
                errors[name] = M_(
                    "Not a kind of facility: %(kinds)s",
                    kinds=", ".join(k.value for k in FacilityKind),
                )
        elif name == "accepts_letters":
            try:
                out[name] = parse_bool(value)
            except ValueError:
                errors[name] = M_("Say yes or no.")
        elif name == "address_verified_on":
            out[name] = clean_date(name, value, errors)
            if out[name] and out[name] > dt.date.today():
                errors[name] = M_("A verification cannot be in the future.")
        else:  # letter_rules
            rules, problems = check_rules(value, is_known_language)
            out[name] = rules.as_dict()
            if problems:
                key, problem = next(iter(problems.items()))
                errors[name] = M_(
                    "%(field)s: %(problem)s", field=key, problem=RULE_MESSAGES[problem]
                )
    if ("name" in out or not partial) and is_blank(out.get("name", "")) and "name" not in errors:
        errors["name"] = REQUIRED
    if ("country" in out or not partial) and not out.get("country") and "country" not in errors:
        errors["country"] = REQUIRED
    raise_if(errors)
    return out


def _refuse_twin(session: Session, name: str, country: str, own_id: int | None) -> None:
    twin = session.scalar(
        select(Facility.id).where(
            func.lower(Facility.name) == name.lower(), Facility.country == country
        )
    )
    if twin is not None and twin != own_id:
        raise ValidationError(TWIN, {"name": TWIN})


def facility_by_name(session: Session, name: str, country: str) -> Facility | None:
    """The facility of this name (any letter case) in this country: the import's natural key."""
    return session.scalar(
        select(Facility).where(
            func.lower(Facility.name) == name.strip().lower(), Facility.country == country
        )
    )


def create_facility(session: Session, actor: User | None, fields: Mapping[str, Any]) -> Facility:
    """Add a facility to the directory."""
    data = clean_facility_fields(fields)
    _refuse_twin(session, data["name"], data["country"], None)
    facility = Facility(**data)
    session.add(facility)
    session.flush()
    audit.record(session, actor, "facility.create", "facility", facility.id, data.keys(), version=1)
    return facility


def update_facility(
    session: Session,
    actor: User | None,
    facility: Facility,
    fields: Mapping[str, Any],
    expected_version: int,
) -> list[str]:
    """Edit a facility made from `expected_version`; StaleEdit when someone saved since."""
    if facility.version != expected_version:
        raise StaleEdit(STALE, facility.version, changed_since(session, facility, expected_version))
    data = clean_facility_fields(fields, partial=True)
    changed = [n for n, v in data.items() if getattr(facility, n) != v]
    if not changed:
        return []
    _refuse_twin(
        session, data.get("name", facility.name), data.get("country", facility.country), facility.id
    )
    before = {n: getattr(facility, n) for n in changed}
    for name in changed:
        setattr(facility, name, data[name])
    facility.updated_at = utcnow()
    flush_edit(session, facility, STALE)
    audit.record(
        session,
        actor,
        "facility.update",
        "facility",
        facility.id,
        changed,
        version=facility.version,
        changes={n: [_shown(before[n]), _shown(data[n])] for n in changed},
    )
    return changed


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def changed_since(session: Session, facility: Facility, version: int) -> list[str]:
    """Fields changed by edits saved after `version` (from the audit log)."""
    from tracker.services.letters.staff import changed_fields_since

    return changed_fields_since(session, "facility", facility.id, version)


def search_facilities(
    session: Session, *, q: str = "", country: str = "", page: int = 1, per_page: int = 50
) -> Page[Facility]:
    """Facilities whose name (Latin or native) holds `q`, in `country`, by name."""
    stmt = select(Facility)
    words = q.strip()
    if words:
        pattern = f"%{words.lower()}%"
        stmt = stmt.where(
            or_(func.lower(Facility.name).like(pattern), Facility.name_native.like(f"%{words}%"))
        )
    if country:
        stmt = stmt.where(Facility.country == country.strip().upper())
    return paginate(session, stmt.order_by(Facility.name, Facility.id), page, per_page)


def facilities_by_id(session: Session, page: int, per_page: int) -> Page[Facility]:
    """One page of the directory in id order (the API list)."""
    return paginate(session, select(Facility).order_by(Facility.id), page, per_page)


def unverified_facilities(
    session: Session, today: dt.date, limit: int | None = None
) -> Sequence[Facility]:
    """Facilities whose address was never verified or not for over 180 days, oldest first.

    The staff dashboard and the facility list flag these.
    """
    cutoff = today - VERIFY_EVERY
    stmt = (
        select(Facility)
        .where(or_(Facility.address_verified_on.is_(None), Facility.address_verified_on < cutoff))
        .order_by(Facility.address_verified_on.is_not(None), Facility.address_verified_on)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def facility_choices(session: Session) -> list[tuple[str, str]]:
    """Every facility as (id, "name, country") for a select box, by country and name."""
    rows = session.execute(
        select(Facility.id, Facility.name, Facility.country).order_by(
            Facility.country, Facility.name
        )
    ).all()
    return [(str(r.id), f"{r.name} ({r.country})") for r in rows]
