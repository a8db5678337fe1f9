"""Create and edit cases and record their status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import case_fields
from tracker.domain.dates import PartialDate, order_day
from tracker.domain.errors import StaleEdit, ValidationError, raise_problems
from tracker.domain.messages import M_
from tracker.domain.transitions import ProposedChange, check_change
from tracker.domain.values import is_web_address
from tracker.domain.vocabulary import AppealStatus, Precision, ReleaseKind, Status
from tracker.models import Appeal, AuditEvent, Case, StatusChange, User, utcnow
from tracker.services import audit
from tracker.services.cases.fields import check_not_future, clean_case_fields, clean_line
from tracker.services.cases.slugs import settle_slug
from tracker.services.versions import flush_edit

# Statuses whose arrival ends the appeals of a case: the supporter sees the news instead.
ENDING_STATUSES = frozenset({Status.RELEASED, Status.DIED_IN_CUSTODY, Status.CLOSED})
IN_USE = M_("This reference is in use.")


def case_by_reference(session: Session, reference: str) -> Case | None:
    """The case with this reference, whatever its letter case (IMP-1 and imp-1 are one case)."""
    return session.scalar(select(Case).where(func.lower(Case.reference) == reference.lower()))


def private_names() -> frozenset[str]:
    """The private fields of the declaration as it is now (see field_changes)."""
    return frozenset(f.name for f in case_fields() if f.is_private)


def field_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], private: frozenset[str] | None = None
) -> dict[str, Any]:
    """{field: [before, after]} for the audit log; a private field is only "changed".

    `private` is private_names(), passed by a caller that writes many events at once.
    """
    if private is None:
        private = private_names()
    changes: dict[str, Any] = {}
    for name, value in after.items():
        if name in private:
            changes[name] = "changed"
        else:
            old = before.get(name)
            changes[name] = [
                old.isoformat() if isinstance(old, dt.date) else old,
                value.isoformat() if isinstance(value, dt.date) else value,
            ]
    return changes


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
    if case_by_reference(session, data["reference"]) is not None:
        raise ValidationError(M_("A case with this reference exists."), {"reference": IN_USE})
    case = Case(**data)
    settle_slug(session, case)
    session.add(case)
    session.flush()
    audit.record(
        session,
        actor,
        "case.create",
        "case",
        case.id,
        data.keys(),
        version=case.version,
        changes=field_changes({}, data),
    )
    if data.get("arrested_on"):
        change_status(
            session,
            actor,
            case,
            Status.DETAINED,
            data["arrested_on"],
            precision=case.arrested_on_precision or Precision.DAY,
            audit_event=False,
        )
    if status is not None and not (case.history and case.status == Status(status)):
        if status_on is None:
            raise ValidationError(
                M_("A status needs the date it took effect."), {"status_on": M_("Give a date.")}
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
    for spec in case_fields():
        # A precision edited alone still puts the stored date on its first day.
        date_name = spec.date_field
        if date_name and spec.name in data and date_name not in data:
            known = getattr(case, date_name)
            if known is not None:
                data[date_name] = PartialDate.of(known, data[spec.name]).value
    if "reference" in data and data["reference"] != case.reference:
        clash = case_by_reference(session, data["reference"])
        if clash is not None and clash.id != case.id:
            raise ValidationError(M_("A case with this reference exists."), {"reference": IN_USE})
    changed = [name for name, value in data.items() if getattr(case, name) != value]
    if not changed:
        return []
    before = {name: getattr(case, name) for name in changed}
    for name in changed:
        setattr(case, name, data[name])
    settle_slug(session, case)
    case.updated_at = utcnow()
    flush_edit(session, case, "Someone else saved this case after you opened it.")
    audit.record(
        session,
        actor,
        "case.update",
        "case",
        case.id,
        changed,
        version=case.version,
        changes=field_changes(before, {name: data[name] for name in changed}),
    )
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
            M_("'%(value)s' is not a status.", value=status), {"status": M_("Unknown status.")}
        ) from None
    try:
        kind = ReleaseKind(release_kind) if release_kind else None
    except ValueError:
        raise ValidationError(
            M_("'%(value)s' is not a release kind.", value=release_kind),
            {"release_kind": M_("Unknown release kind.")},
        ) from None
    try:
        when = PartialDate.of(effective_on, precision)
    except ValueError:
        raise ValidationError(
            M_("'%(value)s' is not a precision.", value=precision),
            {"precision": M_("Use day, month or year.")},
        ) from None
    texts: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, value, multiline in (
        ("note", note, True),
        ("public_note", public_note, True),
        ("source_url", source_url, False),
    ):
        try:
            texts[name] = clean_line(value, multiline=multiline)
        except ValueError as exc:
            problems[name] = str(exc)
    if texts.get("source_url") and not is_web_address(texts["source_url"]):
        problems["source_url"] = M_("Use an http(s):// address.")
    try:
        check_not_future(when.value)
    except ValueError as exc:
        problems["effective_on"] = str(exc)
    raise_problems(problems)
    # Lock the case row so concurrent changes queue up (PostgreSQL); SQLite's write
    # transactions already begin IMMEDIATE.
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    history = sorted(case.history, key=lambda c: (c.sort_on, c.id))
    before = [c for c in history if c.sort_on <= when.value] if is_correction else history
    current = before[-1].to_status if before else None
    latest = history[-1].sort_on if history else None
    check_change(
        current, latest, ProposedChange(target, when.value, kind, is_correction, when.precision)
    )
    change = StatusChange(
        case=case,
        from_status=current,
        to_status=target.value,
        effective_on=when.value,
        precision=when.precision.value,
        sort_on=order_day(when.value, when.precision, before[-1].sort_on if before else None),
        is_correction=is_correction,
        release_kind=kind.value if kind else None,
        recorded_by_id=actor.id if actor else None,
        recorded_at=utcnow(),
        note=texts["note"],
        public_note=texts["public_note"],
        source_url=texts["source_url"],
    )
    session.add(change)
    newest = max([*history, change], key=lambda c: (c.sort_on, c.id or 1 << 62))
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
