"""`tracker cases import`: all or nothing, every bad row as FILE:LINE: message, idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select

from tests.cli.conftest import counts
from tracker.domain.vocabulary import Category
from tracker.models import Case, StatusChange

HEADER = (
    "reference,full_name,name_native,country,category,profession,arrested_on,status,"
    "status_on,release_kind,summary,is_public,consent_publicity"
)
EVENTS_HEADER = "reference,status,effective_on,precision,release_kind,public_note,source_url"
GOOD = [
    "VN-1,Tran Thi Nga,Trần Thị Nga,VN,environmental_defender,activist,2017-01-21,sentenced,"
    "2017-07-25,,Fictional test row.,true,true",
    "CN-1,Wang Quanzhang,王全璋,CN,lawyer,lawyer,2015-08-03,released,2020-04-05,"
    "sentence_served,,false,false",
]


def write(path: Path, header: str, rows: list[str]) -> str:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def cases_file(tmp_path: Path, rows: list[str], header: str = HEADER) -> str:
    return write(tmp_path / "cases.csv", header, rows)


def events_file(tmp_path: Path, rows: list[str], header: str = EVENTS_HEADER) -> str:
    return write(tmp_path / "events.csv", header, rows)


def problems(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ".csv:" in line]


BAD_CASE_ROWS = [
    ("VN-2,A,,VN,activist,,2020-01-01,free,2020-02-01,,,true,true", "unknown status 'free'"),
    (
        "VN-2,A,,VN,activist,,2020-13-01,detained,,,,true,true",
        "arrested_on: '2020-13-01' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    (
        "VN-2,A,,XX,activist,,2020-01-01,detained,,,,true,true",
        "country: 'XX' is not an ISO 3166-1 alpha-2 country code.",
    ),
    (
        "VN-2,A,,VN,poet,,2020-01-01,detained,,,,true,true",
        "category: 'poet' is not one of " + ", ".join(c.value for c in Category) + ".",
    ),
    (
        "VN-2,A,,VN,activist,,2020-01-01,detained,,,,maybe,true",
        "is_public: 'maybe' is not true or false.",
    ),
    (
        "VN-2,A,,VN,activist,,2020-01-01,released,2020-06-01,,,true,true",
        "release_kind is required with status released",
    ),
    (
        "VN-2,A,,VN,activist,,2020-01-01,sentenced,2019-06-01,,,true,true",
        "2019-06-01: The date may not precede the latest change (2020-01-01) unless it is "
        "recorded as a correction.",
    ),
    ("VN-2,A,,VN,activist,,,charged,,,,true,true", "status_on is required with status charged"),
    ("VN-2,,,VN,activist,,2020-01-01,detained,,,,true,true", "full_name is required"),
    ("VN-2,A,,VN,activist", "expected 13 fields, found 5"),
    (
        "VN-1,Duplicate,,VN,activist,,2020-01-01,detained,,,,true,true",
        "duplicate reference VN-1 (first on line 2)",
    ),
]


@pytest.mark.parametrize(("row", "message"), BAD_CASE_ROWS)
def test_bad_case_row_is_reported_and_nothing_is_written(
    db: Any, tracker: Callable[..., Result], tmp_path: Path, row: str, message: str
) -> None:
    path = cases_file(tmp_path, [*GOOD, row])
    before = counts(db)
    result = tracker("cases", "import", path)
    assert result.exit_code == 1
    assert problems(result) == [f"{path}:4: {message}"]
    assert counts(db) == before


def test_wrong_header_is_reported_on_line_1(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    path = cases_file(tmp_path, GOOD, header=HEADER.replace("full_name", "name"))
    result = tracker("cases", "import", path)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{path}:1: wrong header: expected {HEADER}, found {HEADER.replace('full_name', 'name')}"
    ]
    assert counts(db) == (0, 0, 0)


def test_every_problem_of_every_file_is_reported(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    cases = cases_file(tmp_path, [*GOOD, "VN-3,A,,XX,poet,,2020-01-01,detained,,,,true,true"])
    events = events_file(
        tmp_path,
        [
            "VN-1,detained,2017-01-21,day,,,",
            "VN-1,died_in_custody,2018-01-01,day,,,",
            "VN-1,released,2019-01-01,day,other,,",
            "XX-9,detained,2017-01-21,day,,,",
            "CN-1,detained,2015-08-03,week,,,ftp://example.org",
        ],
    )
    result = tracker("cases", "import", cases, "--events", events)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{cases}:4: country: 'XX' is not an ISO 3166-1 alpha-2 country code.",
        f"{cases}:4: category: 'poet' is not one of " + ", ".join(c.value for c in Category) + ".",
        f"{events}:4: refused transition: A case that is died_in_custody cannot become released.",
        f"{events}:5: unknown reference 'XX-9' (not in cases)",
        f"{events}:6: unknown precision 'week' (use day, month or year)",
        f"{events}:6: source_url: use an http(s):// address",
    ]
    assert "nothing was imported" in result.stderr
    assert counts(db) == (0, 0, 0)


def test_wrong_events_header_is_reported(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    cases = cases_file(tmp_path, GOOD)
    events = events_file(tmp_path, [], header="reference,status,date")
    result = tracker("cases", "import", cases, "--events", events)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{events}:1: wrong header: expected {EVENTS_HEADER}, found reference,status,date"
    ]
    assert counts(db) == (0, 0, 0)


def test_dry_run_checks_and_writes_nothing(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    result = tracker("cases", "import", cases_file(tmp_path, GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would create 2" in result.output
    assert counts(db) == (0, 0, 0)


def test_import_creates_cases_with_arrest_then_status(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    result = tracker("cases", "import", cases_file(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    nga = db.scalar(select(Case).where(Case.reference == "VN-1"))
    assert (nga.status, nga.status_since, nga.slug) == (
        "sentenced",
        dt.date(2017, 7, 25),
        "tran-thi-nga",
    )
    assert [(c.from_status, c.to_status) for c in nga.history] == [
        (None, "detained"),
        ("detained", "sentenced"),
    ]
    wang = db.scalar(select(Case).where(Case.reference == "CN-1"))
    assert wang.history[-1].release_kind == "sentence_served"
    assert (wang.is_public, wang.consent_publicity) == (False, False)


def test_reimporting_the_same_file_changes_nothing(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    cases = cases_file(tmp_path, GOOD)
    events = events_file(
        tmp_path,
        [
            "VN-1,detained,2017-01-01,month,,Arrested.,https://example.org/a",
            "VN-1,sentenced,2017-07-25,day,,,",
            "CN-1,disappeared,2015-08-01,month,,,",
            "CN-1,released,2020-04-05,day,sentence_served,,",
        ],
    )
    assert tracker("cases", "import", cases, "--events", events).exit_code == 0
    versions = {r: v for r, v in db.execute(select(Case.reference, Case.version))}
    before = counts(db)
    result = tracker("cases", "import", cases, "--events", events)
    assert result.exit_code == 0, result.output
    assert "left 2 unchanged" in result.output
    assert counts(db) == before
    assert {r: v for r, v in db.execute(select(Case.reference, Case.version))} == versions
    # Without the events file the same rows describe the same current state: still no change.
    assert tracker("cases", "import", cases).exit_code == 0
    assert counts(db) == before


def test_changed_row_updates_that_case_only(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    assert tracker("cases", "import", cases_file(tmp_path, GOOD)).exit_code == 0
    versions = {r: v for r, v in db.execute(select(Case.reference, Case.version))}
    changed = (
        GOOD[0]
        .replace("activist,", "labour activist,")
        .replace("sentenced,2017-07-25,", "released,2020-01-09,exile")
    )
    result = tracker("cases", "import", cases_file(tmp_path, [changed, GOOD[1]]))
    assert result.exit_code == 0, result.output
    assert "updated 1, left 1 unchanged" in result.output
    db.expire_all()
    nga = db.scalar(select(Case).where(Case.reference == "VN-1"))
    assert nga.profession == "labour activist"
    assert (nga.status, nga.status_since) == ("released", dt.date(2020, 1, 9))
    assert [c.to_status for c in nga.history] == ["detained", "sentenced", "released"]
    assert nga.history[-1].release_kind == "exile"
    assert nga.version > versions["VN-1"]
    wang_version = db.scalar(select(Case.version).where(Case.reference == "CN-1"))
    assert wang_version == versions["CN-1"]


def test_events_that_rewrite_recorded_history_are_refused(
    db: Any, tracker: Callable[..., Result], tmp_path: Path
) -> None:
    cases = cases_file(tmp_path, GOOD[:1])
    assert tracker("cases", "import", cases).exit_code == 0
    before = counts(db)
    events = events_file(
        tmp_path, ["VN-1,disappeared,2017-01-21,day,,,", "VN-1,sentenced,2017-07-25,day,,,"]
    )
    result = tracker("cases", "import", cases, "--events", events)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{events}:2: differs from change 1 recorded for VN-1 (detained on 2017-01-21); "
        "history is append-only"
    ]
    assert counts(db) == before
    assert (
        db.scalar(select(StatusChange.to_status).where(StatusChange.to_status == "disappeared"))
        is None
    )
