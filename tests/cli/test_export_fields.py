"""The case export carries every public and staff field of the declaration (private fields only
with --include-private, audited) and imports back into an empty database unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tracker.database import configure_engine
from tracker.domain.case_fields import (
    Kind,
    case_fields,
    csv_columns,
    transfer_column,
    transfer_columns,
)
from tracker.models import AuditEvent, Case, User
from tracker.services.accounts.users import create_user
from tracker.services.cases.editing import change_status, create_case
from tracker.services.cases.transfer import import_cases

SECRET = "SENTINEL-EXPORT"


def everything(worker: User) -> dict[str, Any]:
    """A value that is not the default in every declared field."""
    return {
        "reference": "IR-2015-NM",
        "full_name": "Narges Mohammadi",
        "name_native": "نرگس محمدی",
        "country": "IR",
        "category": "human_rights_defender",
        "profession": "journalist",
        "arrested_on": "2015-05-05",
        "arrested_on_precision": "month",
        "place_of_detention": "Evin prison, Tehran",
        "charges": "Spreading propaganda against the state",
        "sentence": "16 years",
        "summary": "A defender of human rights.\n\nShe kept writing.",
        "assigned_to_id": worker.id,
        "is_public": True,
        "consent_publicity": True,
        "consent_publicity_by": "family",
        "consent_publicity_on": "2016-01-02",
        "consent_photo": True,
        "consent_photo_by": "person",
        "consent_photo_on": "2016-01-03",
        "consent_detention_address": True,
        "consent_detention_address_by": "lawyer",
        "consent_detention_address_on": "2016-01-04",
        "birthday_public": True,
        "internal_notes": f"{SECRET}-internal",
        "health_notes": f"{SECRET}-health",
        "family_contacts": f"{SECRET}-family",
        "lawyer_contact": f"{SECRET}-lawyer",
        "detention_address": f"{SECRET}-address",
        "birth_date": "1972-04-21",
        "birth_date_precision": "month",
    }


def test_every_declared_field_is_set_by_the_fixture() -> None:
    # A field added to the declaration must be added above, so the round trip covers it.
    assert {f.name for f in case_fields()} == set(everything(User(id=1)))


def fields_of(session: Session) -> dict[str, dict[str, Any]]:
    """Every case's declared fields (the assigned user by email) and history, by reference."""
    out = {}
    for case in session.scalars(select(Case)):
        values = {}
        for spec in case_fields():
            value = getattr(case, spec.name)
            if spec.kind is Kind.USER:
                value = case.assigned_to.email if case.assigned_to else None
            values[spec.name] = value
        values["history"] = [
            (c.to_status, c.effective_on, c.precision, c.release_kind, c.public_note)
            for c in case.history
        ]
        out[case.reference] = values
    return out


@pytest.fixture
def full_case(db: Any, caseworker: User) -> Case:
    worker = create_user(db, None, "wen@example.org", PASSWORD, "caseworker", "Wen")
    db.flush()
    case = create_case(db, caseworker, everything(worker))
    change_status(db, caseworker, case, "sentenced", dt.date(2016, 5, 1), public_note="16 years")
    db.commit()
    return case


def import_into(url: str, *paths: str) -> dict[str, dict[str, Any]]:
    engine = create_engine(url)
    configure_engine(engine)
    try:
        with Session(engine) as session:
            create_user(session, None, "wen@example.org", PASSWORD, "caseworker", "Wen")
            session.flush()
            import_cases(session, None, *paths)
            session.commit()
            return fields_of(session)
    finally:
        engine.dispose()


def export(tracker: Callable[..., Result], fmt: str, path: Path, *extra: str) -> list[str]:
    result = tracker("cases", "export", "--format", fmt, "-o", str(path), *extra)
    assert result.exit_code == 0, result.output
    paths = [str(path)]
    if fmt == "csv":
        paths.append(str(path.with_name(f"{path.stem}-events.csv")))
    return paths


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_carries_every_public_and_staff_field_and_imports_back(
    db: Any,
    full_case: Case,
    tracker: Callable[..., Result],
    tmp_path: Path,
    fresh_database: str,
    fmt: str,
) -> None:
    original = fields_of(db)["IR-2015-NM"]
    paths = export(tracker, fmt, tmp_path / f"cases.{fmt}")
    written = Path(paths[0]).read_text("utf-8")
    assert SECRET not in written and "1972" not in written
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(written)))
        # DESIGN.md's columns first, then every other public and staff field.
        assert tuple(header[: len(csv_columns())]) == csv_columns()
        assert tuple(header) == transfer_columns()
        row = dict(zip(header, next(iter(list(csv.reader(io.StringIO(written)))[1:])), strict=True))
        assert row["arrested_on"] == "2015-05"  # at its precision
        assert row["assigned_to"] == "wen@example.org"
        assert row["consent_detention_address_by"] == "lawyer"
    expected_columns = {transfer_column(f) for f in case_fields() if not f.is_private} - {None}
    assert expected_columns <= set(transfer_columns())

    restored = import_into(fresh_database, *paths)["IR-2015-NM"]
    private = {f.name for f in case_fields() if f.is_private}
    for name, value in original.items():
        if name not in private:
            assert restored[name] == value, name
    assert restored["internal_notes"] == "" and restored["birth_date"] is None

    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "cases.export").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.detail["include_private"] is False and event.detail["format"] == fmt


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_include_private_is_audited_owner_only_and_round_trips_everything(
    db: Any,
    full_case: Case,
    tracker: Callable[..., Result],
    tmp_path: Path,
    fresh_database: str,
    fmt: str,
) -> None:
    original = fields_of(db)["IR-2015-NM"]
    paths = export(tracker, fmt, tmp_path / f"cases.{fmt}", "--include-private")
    written = Path(paths[0]).read_text("utf-8")
    assert f"{SECRET}-health" in written and "1972-04" in written
    for path in paths:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    if fmt == "json":
        item = json.loads(written)["cases"][0]
        assert item["birth_date"] == "1972-04" and item["assigned_to"] == "wen@example.org"
    restored = import_into(fresh_database, *paths)["IR-2015-NM"]
    assert restored == original
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "cases.export").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.detail["include_private"] is True and event.detail["cases"] == 1


def test_import_refuses_an_unknown_user_and_an_unknown_column(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    header = ",".join(csv_columns())
    row = "IR-1,Someone,,IR,journalist,,,detained,2020-01-01,,,false,false"
    path = tmp_path / "cases.csv"
    path.write_text(f"{header},assigned_to\n{row},nobody@example.org\n", "utf-8")
    result = tracker("cases", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: assigned_to: no user nobody@example.org" in result.stderr
    path.write_text(f"{header},favourite_colour\n{row},blue\n", "utf-8")
    result = tracker("cases", "import", str(path))
    assert result.exit_code == 1
    assert "unknown or repeated column(s) favourite_colour" in result.stderr
    assert db.scalar(select(Case).where(Case.reference == "IR-1")) is None


def test_consent_who_and_when_through_the_api_and_the_import(
    client: Any, db: Any, caseworker: User, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    from tests.api.conftest import bearer
    from tracker.services.accounts.users import create_token

    token = create_token(db, caseworker, caseworker, "test")
    db.commit()
    body = {
        "reference": "IR-C",
        "full_name": "Consent Person",
        "country": "IR",
        "category": "journalist",
        "consent_publicity": True,
        "consent_publicity_by": "family",
        "consent_publicity_on": "2020-02-03",
        "consent_detention_address": True,
        "consent_detention_address_by": "person",
        "consent_detention_address_on": "2020-02-04",
    }
    response = client.post("/api/v1/cases", json=body, headers=bearer(token))
    assert response.status_code == 201, response.json
    shown = response.json
    assert (shown["consent_publicity_by"], shown["consent_publicity_on"]) == (
        "family",
        "2020-02-03",
    )
    assert shown["consent_detention_address_by"] == "person"
    refused = client.post(
        "/api/v1/cases",
        json={**body, "reference": "IR-D", "consent_photo_by": "neighbour"},
        headers=bearer(token),
    )
    assert refused.status_code == 422

    header = ",".join(csv_columns())
    path = tmp_path / "cases.csv"
    path.write_text(
        f"{header},consent_photo,consent_photo_by,consent_photo_on\n"
        "IR-C,Consent Person,,IR,journalist,,,detained,2020-01-01,,,false,true,true,lawyer,"
        "2020-03-01\n",
        "utf-8",
    )
    result = tracker("cases", "import", str(path))
    assert result.exit_code == 0, result.stderr
    case = db.scalar(select(Case).where(Case.reference == "IR-C"))
    db.refresh(case)
    assert (case.consent_photo, case.consent_photo_by, case.consent_photo_on) == (
        True,
        "lawyer",
        dt.date(2020, 3, 1),
    )
    # Columns the file does not carry are left as they were.
    assert case.consent_publicity_by == "family"
