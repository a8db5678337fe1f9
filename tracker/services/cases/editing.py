"""Create and edit cases and record their status changes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.dates import PartialDate, parse_iso_date
from tracker.domain.errors import StaleEdit, ValidationError
from tracker.domain.text import slugify
from tracker.domain.transitions import ProposedChange, check_change
from tracker.domain.vocabulary import (
    AppealStatus,
    Category,
    ConsentGiver,
    Precision,
    ReleaseKind,
    Status,
)
from tracker.models import Appeal, AuditEvent, Case, StatusChange, User, utcnow
from tracker.services import audit
from tracker.services.versions import flush_edit

TEXT_FIELDS = (
    "full_name",
    "name_native",
    "profession",
    "place_of_detention",
    "charges",
    "sentence",
    "summary",
    "internal_notes",
    "health_notes",
    "family_contacts",
    "lawyer_contact",
    "detention_address",
)
BOOL_FIELDS = ("is_public", "consent_publicity", "consent_photo", "consent_detention_address")
DATE_FIELDS = ("arrested_on", "consent_publicity_on", "consent_photo_on")
EDITABLE_FIELDS = (
    "reference",
    "country",
    "category",
    *TEXT_FIELDS,
    *BOOL_FIELDS,
    *DATE_FIELDS,
    "consent_publicity_by",
    "consent_photo_by",
    "assigned_to_id",
)
MAX_LENGTHS = {
    "reference": 64,
    "full_name": 200,
    "name_native": 200,
    "profession": 300,
    "place_of_detention": 300,
}
REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Statuses whose arrival ends the appeals of a case: the supporter sees the news instead.
ENDING_STATUSES = frozenset({Status.RELEASED, Status.DIED_IN_CUSTODY, Status.CLOSED})


def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def clean_case_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise case fields; raise ValidationError listing every bad field."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            "Unknown fields: " + ", ".join(sorted(unknown)),
            {name: "Unknown field." for name in sorted(unknown)},
        )
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            out[name] = _clean_one(name, value)
        except ValueError as exc:
            errors[name] = str(exc)
    if not partial:
        for required in ("reference", "full_name", "country", "category"):
            if not out.get(required) and required not in errors:
                errors[required] = "This field is required."
    else:
        for required in ("reference", "full_name", "country", "category"):
            if required in out and not out[required] and required not in errors:
                errors[required] = "This field is required."
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first]}", errors)
    return out


def _clean_one(name: str, value: Any) -> Any:
    if name in TEXT_FIELDS or name == "reference":
        text = "" if value is None else str(value).strip()
        limit = MAX_LENGTHS.get(name)
        if limit and len(text) > limit:
            raise ValueError(f"At most {limit} characters.")
        if name == "reference" and text and not REFERENCE_RE.match(text):
            raise ValueError("Use letters, digits, '.', '_' and '-' only.")
        return text
    if name in BOOL_FIELDS:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "y", "on"):
            return True
        if text in ("", "0", "false", "no", "n", "off"):
            return False
        raise ValueError(f"'{value}' is not true or false.")
    if name in DATE_FIELDS:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        return parse_iso_date(str(value))
    if name == "country":
        code = str(value or "").strip().upper()
        if code and pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code.")
        return code
    if name == "category":
        text = str(value or "").strip()
        if text and text not in Category.__members__.values():
            raise ValueError(f"'{value}' is not a category.")
        return text
    if name in ("consent_publicity_by", "consent_photo_by"):
        if value in (None, ""):
            return None
        if value not in ConsentGiver.__members__.values():
            raise ValueError("Choose the person, family or lawyer.")
        return str(value)
    if name == "assigned_to_id":
        if value in (None, ""):
            return None
        return int(value)
    raise ValueError("Unknown field.")  # pragma: no cover - guarded by EDITABLE_FIELDS


def unique_slug(session: Session, name: str, taken: set[str] | None = None) -> str:
    """A slug for the name not used by any case (nor in `taken`, for batch imports)."""
    base = slugify(name)
    candidate, n = base, 1
    while True:
        in_batch = taken is not None and candidate in taken
        if not in_batch and session.scalar(select(Case.id).where(Case.slug == candidate)) is None:
            if taken is not None:
                taken.add(candidate)
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def create_case(
    session: Session,
    actor: User | None,
    fields: Mapping[str, Any],
    *,
    status: Status | str | None = None,
    status_on: dt.date | None = None,
    release_kind: ReleaseKind | str | None = None,
) -> Case:
    """Add a case; it starts `detained` on `arrested_on`, then moves to `status` on `status_on`."""
    data = clean_case_fields(fields)
    if session.scalar(select(Case.id).where(Case.reference == data["reference"])) is not None:
        raise ValidationError(
            "A case with this reference exists.", {"reference": "This reference is in use."}
        )
    case = Case(**data, slug=unique_slug(session, data["full_name"]))
    session.add(case)
    session.flush()
    audit.record(session, actor, "case.create", "case", case.id, data.keys(), version=case.version)
    if data.get("arrested_on"):
        change_status(session, actor, case, Status.DETAINED, data["arrested_on"], audit_event=False)
    if status is not None and not (case.history and case.status == Status(status)):
        if status_on is None:
            raise ValidationError(
                "A status needs the date it took effect.", {"status_on": "Give a date."}
            )
        change_status(
            session, actor, case, status, status_on, release_kind=release_kind, audit_event=False
        )
    return case


def update_case(
    session: Session,
    actor: User | None,
    case: Case,
    fields: Mapping[str, Any],
    expected_version: int,
) -> list[str]:
    """Apply an edit made from `expected_version`; raise StaleEdit when someone saved since."""
    if case.version != expected_version:
        raise StaleEdit(
            "Someone else saved this case after you opened it.",
            case.version,
            changed_fields_since(session, case, expected_version),
        )
    data = clean_case_fields(fields, partial=True)
    if "reference" in data and data["reference"] != case.reference:
        clash = session.scalar(select(Case.id).where(Case.reference == data["reference"]))
        if clash is not None:
            raise ValidationError(
                "A case with this reference exists.", {"reference": "This reference is in use."}
            )
    changed = [name for name, value in data.items() if getattr(case, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(case, name, data[name])
    case.updated_at = utcnow()
    flush_edit(session, case, "Someone else saved this case after you opened it.")
    audit.record(session, actor, "case.update", "case", case.id, changed, version=case.version)
    return changed


def changed_fields_since(session: Session, case: Case, version: int) -> list[str]:
    """Names of the fields changed by edits saved after `version` (status included)."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "case", AuditEvent.entity_id == case.id)
    )
    names: set[str] = set()
    for event in events:
        if int(event.detail.get("version", 0)) > version:
            names.update(event.fields)
    return sorted(names)


def change_status(
    session: Session,
    actor: User | None,
    case: Case,
    status: Status | str,
    effective_on: dt.date,
    *,
    precision: Precision | str = Precision.DAY,
    release_kind: ReleaseKind | str | None = None,
    note: str = "",
    public_note: str = "",
    source_url: str = "",
    is_correction: bool = False,
    audit_event: bool = True,
) -> StatusChange:
    """Record a status change and update the case's current status in the same transaction."""
    try:
        target = Status(status)
    except ValueError:
        raise ValidationError(
            f"'{status}' is not a status.", {"status": "Unknown status."}
        ) from None
    try:
        kind = ReleaseKind(release_kind) if release_kind else None
    except ValueError:
        raise ValidationError(
            f"'{release_kind}' is not a release kind.", {"release_kind": "Unknown release kind."}
        ) from None
    try:
        when = PartialDate.of(effective_on, precision)
    except ValueError:
        raise ValidationError(
            f"'{precision}' is not a precision.", {"precision": "Use day, month or year."}
        ) from None
    source_url = source_url.strip()
    if source_url and not re.match(r"^https?://\S+$", source_url):
        raise ValidationError(
            "The source must be a web address.", {"source_url": "Use an http(s):// address."}
        )
    # Lock the case row so concurrent changes queue up (PostgreSQL); SQLite's write
    # transactions already begin IMMEDIATE.
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    history = sorted(case.history, key=lambda c: (c.effective_on, c.id))
    before = [c for c in history if c.effective_on <= when.value] if is_correction else history
    current = before[-1].to_status if before else None
    latest = history[-1].effective_on if history else None
    check_change(current, latest, ProposedChange(target, when.value, kind, is_correction))
    change = StatusChange(
        case=case,
        from_status=current,
        to_status=target.value,
        effective_on=when.value,
        precision=when.precision.value,
        is_correction=is_correction,
        release_kind=kind.value if kind else None,
        recorded_by_id=actor.id if actor else None,
        recorded_at=utcnow(),
        note=note.strip(),
        public_note=public_note.strip(),
        source_url=source_url,
    )
    session.add(change)
    newest = max([*history, change], key=lambda c: (c.effective_on, c.id or 1 << 62))
    case.status = newest.to_status
    case.status_since = newest.effective_on
    case.status_since_precision = newest.precision
    case.updated_at = utcnow()
    flush_edit(session, case, "Someone else saved this case after you opened it.")
    if audit_event:
        audit.record(
            session,
            actor,
            "case.status",
            "case",
            case.id,
            ["status"],
            version=case.version,
            from_status=current,
            to_status=target.value,
        )
    if Status(case.status) in ENDING_STATUSES:
        close_appeals_of(session, actor, case)
    return change


def close_appeals_of(session: Session, actor: User | None, case: Case) -> list[Appeal]:
    """Close the active appeals of a case that is no longer held, and audit each."""
    appeals = list(
        session.scalars(
            select(Appeal).where(Appeal.case_id == case.id, Appeal.status == AppealStatus.ACTIVE)
        )
    )
    for appeal in appeals:
        appeal.status = AppealStatus.CLOSED.value
        appeal.updated_at = utcnow()
    session.flush()
    for appeal in appeals:
        audit.record(
            session,
            actor,
            "appeal.close",
            "appeal",
            appeal.id,
            ["status"],
            reason=f"case {case.status}",
            case_id=case.id,
        )
    return appeals
