"""Precision everywhere: the service, the import and export, and the pages show what is known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cli.conftest import tracker  # noqa: F401  (the fixture, used by name)
from tests.conftest import login_as
from tracker.domain.errors import ValidationError
from tracker.models import Case, User
from tracker.services.cases.editing import change_status, create_case, update_case

PERSON = {"full_name": "Partial Person", "country": "IR", "category": "journalist"}
HEADER = (
    "reference,full_name,name_native,country,category,profession,arrested_on,status,"
    "status_on,release_kind,summary,is_public,consent_publicity"
)
EVENTS_HEADER = "reference,status,effective_on,precision,release_kind,public_note,source_url"


def test_a_month_precision_change_may_follow_a_day_precision_one_in_the_same_month(
    db: Any, caseworker: User
) -> None:
    case = create_case(db, caseworker, {**PERSON, "reference": "P-1"})
    change_status(db, caseworker, case, "disappeared", dt.date(2020, 9, 7))
    change_status(db, caseworker, case, "charged", dt.date(2020, 9, 1), precision="month")
    db.flush()
    # The newer change is the current status, and the history lists it last.
    assert (case.status, case.status_since, case.status_since_precision) == (
        "charged",
        dt.date(2020, 9, 1),
        "month",
    )
    assert [c.to_status for c in case.history] == ["disappeared", "charged"]
    # A month wholly before the latest change is still refused (unless a correction).
    with pytest.raises(ValidationError, match="may not precede"):
        change_status(db, caseworker, case, "on_trial", dt.date(2020, 8, 1), precision="month")
    # A day inside the month but before the order day of the latest change is refused too.
    with pytest.raises(ValidationError, match="may not precede"):
        change_status(db, caseworker, case, "on_trial", dt.date(2020, 9, 6))
    change_status(db, caseworker, case, "on_trial", dt.date(2020, 9, 20))
    assert [c.to_status for c in case.history] == ["disappeared", "charged", "on_trial"]


def test_arrest_known_to_the_year_starts_a_history_at_that_precision(
    db: Any, caseworker: User
) -> None:
    case = create_case(
        db,
        caseworker,
        {
            **PERSON,
            "reference": "P-2",
            "arrested_on": "2015-06-09",
            "arrested_on_precision": "year",
        },
    )
    change_status(db, caseworker, case, "charged", dt.date(2015, 3, 20))
    assert (case.arrested_on, case.arrested_on_precision) == (dt.date(2015, 1, 1), "year")
    assert [(c.to_status, c.precision) for c in case.history] == [
        ("detained", "year"),
        ("charged", "day"),
    ]
    # The precision edited alone moves the stored date to the first day of the month.
    update_case(db, caseworker, case, {"arrested_on": "2015-05-17"}, case.version)
    update_case(db, caseworker, case, {"arrested_on_precision": "month"}, case.version)
    assert case.arrested_on == dt.date(2015, 5, 1)


def _import(run: Callable[..., Result], tmp_path: Path, cases: str, events: str = "") -> Result:
    (tmp_path / "cases.csv").write_text(f"{HEADER}\n{cases}\n", "utf-8")
    args = ["cases", "import", str(tmp_path / "cases.csv")]
    if events:
        (tmp_path / "events.csv").write_text(f"{EVENTS_HEADER}\n{events}\n", "utf-8")
        args += ["--events", str(tmp_path / "events.csv")]
    return run(*args)


def test_import_takes_a_month_precision_event_after_a_day_in_the_same_month(
    tracker: Callable[..., Result],  # noqa: F811
    db: Any,
    tmp_path: Path,
) -> None:
    result = _import(
        tracker,
        tmp_path,
        "IR-9,Partial Person,,IR,journalist,,2020-09-07,,,,,true,true",
        "IR-9,disappeared,2020-09-07,day,,,\nIR-9,charged,2020-09,,,,\nIR-9,sentenced,2021,year,,,",
    )
    assert result.exit_code == 0, result.output + result.stderr
    case = db.scalar(select(Case).where(Case.reference == "IR-9"))
    assert [(c.to_status, c.effective_on.isoformat(), c.precision) for c in case.history] == [
        ("disappeared", "2020-09-07", "day"),
        ("charged", "2020-09-01", "month"),
        ("sentenced", "2021-01-01", "year"),
    ]
    assert case.status == "sentenced"
    # Importing the same files again changes nothing (the order is the same).
    assert _import(tracker, tmp_path, *_files(tmp_path)).exit_code == 0
    assert len(case.history) == 3


def _files(tmp_path: Path) -> tuple[str, str]:
    cases = (tmp_path / "cases.csv").read_text("utf-8").splitlines()[1]
    events = "\n".join((tmp_path / "events.csv").read_text("utf-8").splitlines()[1:])
    return cases, events


def test_import_refuses_a_precision_finer_than_the_date_written(
    tracker: Callable[..., Result],  # noqa: F811
    db: Any,
    tmp_path: Path,
) -> None:
    result = _import(
        tracker,
        tmp_path,
        "IR-8,Partial Person,,IR,journalist,,,,,,,true,true",
        "IR-8,detained,2020-09,day,,,",
    )
    assert result.exit_code == 1
    assert "events.csv:2: effective_on 2020-09 is known to the month, not the day" in result.stderr
    assert db.scalar(select(Case).where(Case.reference == "IR-8")) is None


@pytest.mark.parametrize(
    ("written", "stored", "precision", "shown"),
    [
        ("2015-05", dt.date(2015, 5, 1), "month", "May 2015"),
        ("2017", dt.date(2017, 1, 1), "year", "2017"),
        ("2016-02-29", dt.date(2016, 2, 29), "day", "29 February 2016"),
    ],
)
def test_csv_arrest_date_at_its_precision_imports_exports_and_shows_as_known(
    tracker: Callable[..., Result],  # noqa: F811
    db: Any,
    tmp_path: Path,
    client: FlaskClient,
    admin: User,
    written: str,
    stored: dt.date,
    precision: str,
    shown: str,
) -> None:
    row = f"IR-7,Partial Person,,IR,journalist,,{written},,,,A summary.,true,true"
    result = _import(tracker, tmp_path, row)
    assert result.exit_code == 0, result.stderr
    case = db.scalar(select(Case).where(Case.reference == "IR-7"))
    assert (case.arrested_on, case.arrested_on_precision) == (stored, precision)
    assert [(c.to_status, c.precision) for c in case.history] == [("detained", precision)]

    out = tmp_path / "out.csv"
    assert tracker("cases", "export", "--format", "csv", "-o", str(out)).exit_code == 0
    line = next(x for x in out.read_text("utf-8").splitlines() if x.startswith("IR-7,"))
    assert f",{written}," in line
    events = (tmp_path / "out-events.csv").read_text("utf-8")
    assert f"IR-7,detained,{stored.isoformat()},{precision}," in events

    # Every page says what is known, never "1 May 2015" for May 2015.
    login_as(client, admin)
    staff = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    public = client.get(f"/cases/{case.slug}").get_data(as_text=True)
    for page in (staff, public):
        assert shown in page
        if precision != "day":
            assert f"1 {shown}" not in page and f"1 January {shown}" not in page
