"""The archive holds every record, and SQLite -> PostgreSQL -> SQLite gives the same archive."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.archive.conftest import Instance, fill, members
from tests.conftest import PASSWORD, PG_URL
from tracker.models import AuditEvent, Case, LetterReport, User
from tracker.services.accounts.users import sign_in
from tracker.services.archive.schema import EXCLUDED_TABLES, archived_tables
from tracker.services.cases.search import CaseQuery, search_cases


def audit_lines(archive: dict[str, bytes]) -> list[list[object]]:
    return [json.loads(line) for line in archive["tables/audit_events.jsonl"].splitlines()]


def assert_same_records(first: dict[str, bytes], later: dict[str, bytes]) -> None:
    """Every table the same, bar the audit events of the imports and exports in between."""
    assert first.keys() == later.keys()
    for name in first:
        if name not in ("manifest.json", "tables/audit_events.jsonl"):
            assert first[name] == later[name], name
    before, after = audit_lines(first), audit_lines(later)
    assert after[: len(before)] == before
    action = archived_tables_columns("audit_events").index("action")
    assert {row[action] for row in after[len(before) :]} <= {"archive.import", "archive.export"}
    manifest_a, manifest_b = json.loads(first["manifest.json"]), json.loads(later["manifest.json"])
    for table_a, table_b in zip(manifest_a["tables"], manifest_b["tables"], strict=True):
        if table_a["name"] != "audit_events":
            assert table_a == table_b


def archived_tables_columns(table: str) -> list[str]:
    return next(list(t.columns) for t in archived_tables() if t.name == table)


def test_round_trip_sqlite_postgresql_sqlite_gives_the_same_archive(
    new_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    source = new_instance("sqlite")
    fill(source)
    middle = new_instance("postgresql" if PG_URL else "sqlite")
    last = new_instance("sqlite")

    result = source.tracker("archive", "export", "-o", str(tmp_path / "a.zip"))
    assert result.exit_code == 0, result.output
    assert "27 cases" in result.output
    result = middle.tracker("archive", "import", str(tmp_path / "a.zip"))
    assert result.exit_code == 0, result.output
    assert middle.tracker("archive", "export", "-o", str(tmp_path / "b.zip")).exit_code == 0
    result = last.tracker("archive", "import", str(tmp_path / "b.zip"))
    assert result.exit_code == 0, result.output
    assert last.tracker("archive", "export", "-o", str(tmp_path / "c.zip")).exit_code == 0

    a, b, c = (members(tmp_path / f"{n}.zip") for n in "abc")
    # Private values stay encrypted in the archive: the date of birth too.
    assert b"1901-02-01" not in a["tables/cases.jsonl"]
    assert b"SENTINEL-HEALTH" not in a["tables/cases.jsonl"]
    assert_same_records(a, b)
    assert_same_records(b, c)
    assert_same_records(a, c)

    # Every record of every archived table arrived, and none of the excluded ones.
    counts_source, counts_last = source.row_counts(), last.row_counts()
    for table in archived_tables():
        if table.name != "audit_events":
            assert counts_last[table.name] == counts_source[table.name], table.name
    assert min(counts_source[name] for name in ("cases", "appeal_copies", "appeal_counters")) > 0
    custody = ("facilities", "placements", "hearings", "letter_reports")
    assert min(counts_source[name] for name in custody) > 0
    for name in EXCLUDED_TABLES:
        assert counts_source[name] > 0 and counts_last[name] == 0, name


def test_restored_instance_works_signs_in_searches_and_numbers_new_records(
    new_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    source = new_instance("sqlite")
    fill(source)
    target = new_instance("postgresql" if PG_URL else "sqlite")
    assert source.tracker("archive", "export", "-o", str(tmp_path / "a.zip")).exit_code == 0
    assert target.tracker("archive", "import", str(tmp_path / "a.zip")).exit_code == 0

    with source.session() as session:
        original = session.scalars(select(Case).order_by(Case.id)).first()
        assert original is not None
        tokens = {u.email: u.session_token for u in session.scalars(select(User))}
    largest = max(row[0] for row in audit_lines(members(tmp_path / "a.zip")))
    with target.session() as session:
        case = session.get(Case, original.id)
        assert case is not None
        # Staff fields survive as they were, bytes and private values included.
        assert case.photo == b"\x89PNG\r\n\x1a\n\x00binary\xff"
        assert case.health_notes == "SENTINEL-HEALTH"
        assert case.assigned_to is not None and case.assigned_to.email == "worker@example.org"
        assert case.consent_photo_by == "family"
        assert (case.arrested_on_precision, case.birthday_public) == ("month", True)
        assert (case.birth_date, case.birth_date_precision) == (dt.date(1901, 2, 1), "month")
        assert case.consent_detention_address and case.consent_detention_address_by == "lawyer"
        assert case.consent_detention_address_on == dt.date(2020, 4, 2)
        assert [c.note for c in case.history if c.is_correction] == ["SENTINEL-NOTE"]
        # Custody records: placements in order, a letter report's private note readable again.
        narges = session.scalar(select(Case).where(Case.reference == "IR-2015-NM"))
        assert narges is not None and narges.facility_id is not None
        assert [p.facility.name for p in narges.placements][-2:] == [
            "Zanjan Central Prison",
            "Evin Prison",
        ]
        report = session.scalars(select(LetterReport).order_by(LetterReport.id)).first()
        assert report is not None and report.note.startswith("Her sister")
        assert case.created_at.tzinfo is not None and case.created_at == original.created_at
        # New rows take ids after the imported ones (PostgreSQL's sequences were moved on).
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert events[-1].action == "archive.import" and events[-1].id == largest + 1
        # Passwords move with their users; session tokens are new, so old cookies are void.
        assert sign_in(session, "admin@example.org", PASSWORD).user is not None
        for user in session.scalars(select(User)):
            assert user.session_token and user.session_token != tokens[user.email]
        # The search index follows the imported cases.
        assert search_cases(session, CaseQuery(q="Mohammadi")).total >= 1
        if session.get_bind().dialect.name == "sqlite":  # and keeps following new cases
            triggers = session.execute(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND name LIKE 'cases_fts%'"
                )
            ).scalars()
            assert sorted(triggers) == [
                "cases_fts_after_delete",
                "cases_fts_after_insert",
                "cases_fts_after_update",
            ]
        session.commit()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_exporting_again_gives_the_same_records(
    new_instance: Callable[[str], Instance], tmp_path: Path, kind: str
) -> None:
    instance = new_instance(kind)
    fill(instance)
    assert instance.tracker("archive", "export", "-o", str(tmp_path / "1.zip")).exit_code == 0
    assert instance.tracker("archive", "export", "-o", str(tmp_path / "2.zip")).exit_code == 0
    first, second = members(tmp_path / "1.zip"), members(tmp_path / "2.zip")
    assert_same_records(first, second)
    # The one event between them is the first export, with the content it wrote.
    extra = audit_lines(second)[len(audit_lines(first)) :]
    columns = archived_tables_columns("audit_events")
    assert [row[columns.index("action")] for row in extra] == ["archive.export"]
    detail = extra[0][columns.index("detail")]
    assert isinstance(detail, dict)
    assert detail["content_sha256"] == json.loads(first["manifest.json"])["content_sha256"]
