"""create_case, update_case and change_status against a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tracker.domain.errors import InvalidTransition, StaleEdit, ValidationError
from tracker.models import AuditEvent, Case, StatusChange, User
from tracker.services.cases.editing import change_status, create_case, update_case

NGA = {
    "reference": "VN-2017-TTN",
    "full_name": "Tran Thi Nga",
    "name_native": "Trần Thị Nga",
    "country": "VN",
    "category": "environmental_defender",
    "arrested_on": "2017-01-01",
}


def test_create_case_starts_detained_on_arrest(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    assert case.slug.startswith("_")  # not published: no name in its slug
    assert case.status == "detained"
    assert case.status_since == dt.date(2017, 1, 1)
    assert [c.to_status for c in case.history] == ["detained"]


def test_create_case_reports_every_bad_field(db: Any, caseworker: User) -> None:
    with pytest.raises(ValidationError) as err:
        create_case(db, caseworker, {**NGA, "country": "XX", "category": "poet"})
    assert set(err.value.field_errors) == {"country", "category"}
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_change_status_keeps_case_and_history_consistent(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    change_status(db, caseworker, case, "sentenced", dt.date(2017, 7, 25))
    change_status(
        db,
        caseworker,
        case,
        "released",
        dt.date(2020, 1, 9),
        release_kind="exile",
        public_note="Released on condition that she leave the country.",
    )
    db.commit()
    db.expire_all()
    case = db.get(Case, case.id)
    assert case.status == "released"
    assert case.status_since == dt.date(2020, 1, 9)
    rows = db.scalars(
        select(StatusChange)
        .where(StatusChange.case_id == case.id)
        .order_by(StatusChange.effective_on)
    ).all()
    assert [(r.from_status, r.to_status) for r in rows] == [
        (None, "detained"),
        ("detained", "sentenced"),
        ("sentenced", "released"),
    ]
    assert rows[-1].release_kind == "exile"
    assert rows[-1].recorded_by_id == caseworker.id


def test_refused_transition_writes_nothing(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    change_status(db, caseworker, case, "died_in_custody", dt.date(2018, 1, 1))
    db.commit()
    with pytest.raises(InvalidTransition) as err:
        change_status(db, caseworker, case, "released", dt.date(2019, 1, 1), release_kind="other")
    assert err.value.allowed == ["closed"]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(StatusChange)) == 2
    assert db.get(Case, case.id).status == "died_in_custody"


def test_failure_between_the_two_writes_leaves_neither(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    db.commit()
    version = case.version
    # Make the history insert fail after the case row was changed in the same transaction
    # (a history row for a case that does not exist breaks the foreign key on both databases).
    case.status = "charged"
    db.flush()
    with pytest.raises(DBAPIError):
        db.execute(
            text(
                "INSERT INTO status_changes (case_id, to_status, effective_on, "
                "precision, is_correction, recorded_at, note, public_note, source_url) "
                "VALUES (999999, 'charged', '2018-01-01', 'day', false, "
                "'2018-01-01 00:00:00', '', '', '')"
            )
        )
    db.rollback()
    db.expire_all()
    fresh = db.get(Case, case.id)
    assert fresh.status == "detained"
    assert fresh.version == version
    assert db.scalar(select(func.count()).select_from(StatusChange)) == 1


def test_stale_edit_is_refused_and_names_what_changed(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    opened_at = case.version
    update_case(db, caseworker, case, {"summary": "First edit"}, opened_at)
    with pytest.raises(StaleEdit) as err:
        update_case(db, caseworker, case, {"profession": "Second edit"}, opened_at)
    assert err.value.changed_fields == ["summary"]
    assert case.profession == ""


def test_audit_names_private_fields_but_never_their_values(db: Any, caseworker: User) -> None:
    case = create_case(db, caseworker, NGA)
    update_case(db, caseworker, case, {"health_notes": "SENTINEL-HEALTH"}, case.version)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.update")).all()
    assert events[-1].fields == ["health_notes"]
    assert "SENTINEL-HEALTH" not in repr([(e.fields, e.detail) for e in events])


def test_audit_log_is_append_only(db: Any, caseworker: User) -> None:
    create_case(db, caseworker, NGA)
    db.commit()
    assert db.scalar(select(func.count()).select_from(AuditEvent)) >= 2
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("UPDATE audit_events SET action = 'forged'"))
    db.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("DELETE FROM audit_events"))
    db.rollback()
    assert db.scalar(select(func.count()).select_from(AuditEvent)) >= 2
