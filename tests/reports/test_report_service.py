"""The report as data, built from a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from tracker.domain.report import StatusRow, group_by_case, held_at_end_of
from tracker.models import Case, StatusChange, User
from tracker.services.cases.editing import change_status, create_case
from tracker.services.reports import releases as reports
from tracker.services.reports.data import build_release_report, render_report_csv

REAL_NAMES = {"Tran Thi Nga", "Narges Mohammadi", "Wang Quanzhang"}


def by_name(people: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in people}


def test_2020_report_names_the_three_real_people_with_dates_and_kinds(
    db: Any, real_people: list[Case]
) -> None:
    report = build_release_report(db, 2020, public=True)
    assert set(report) == {
        "year", "public", "released", "restricted", "died_in_custody", "unnamed", "totals"
    }  # fmt: skip
    assert report["year"] == 2020 and report["public"] is True
    people = by_name(report["released"])
    assert set(people) == REAL_NAMES
    nga, narges, wang = people["Tran Thi Nga"], people["Narges Mohammadi"], people["Wang Quanzhang"]
    assert (nga["effective_on"], nga["release_kind"], nga["rearrested_on"]) == (
        "2020-01-09", "exile", None
    )  # fmt: skip
    assert (wang["effective_on"], wang["release_kind"], wang["rearrested_on"]) == (
        "2020-04-05", "sentence_served", None
    )  # fmt: skip
    assert (narges["effective_on"], narges["release_kind"]) == ("2020-10-08", "early_release")
    assert (narges["rearrested_on"], narges["rearrested_precision"]) == ("2021-11-01", "month")
    assert narges["rearrested_text"] == "November 2021"
    # From the first held status of that detention (August 2015, known to the month).
    assert wang["detained_since"] == "2015-08-01"
    assert wang["days_detained"] == (dt.date(2020, 4, 5) - dt.date(2015, 8, 1)).days
    assert wang["days_detained_approximate"] is True
    assert nga["country"] == "VN" and nga["category"] == "environmental_defender"
    assert nga["precision"] == "day"
    assert report["unnamed"] == {"released": 0, "restricted": 0, "died_in_custody": 0}
    assert report["totals"]["released"] == 3
    assert report["totals"]["held_at_year_end"] == 0
    # Narges Mohammadi's re-arrest does not count in 2021 (it is not a release).
    assert build_release_report(db, 2021, public=True)["totals"]["released"] == 0


def test_public_report_counts_non_public_cases_without_naming_them(
    db: Any, real_people: list[Case], sentinel_cases: dict[str, Case]
) -> None:
    public = build_release_report(db, 2020, public=True)
    assert set(by_name(public["released"])) == REAL_NAMES | {"Ada Example (fictional)"}
    assert public["unnamed"]["released"] == 2
    assert public["totals"]["released"] == 6
    assert public["totals"]["named"]["released"] == 4
    assert "BY" not in {bar["key"] for bar in public["totals"]["by_country"]}

    staff = build_release_report(db, 2020, public=False)
    assert len(staff["released"]) == 6
    assert staff["unnamed"] == {"released": 0, "restricted": 0, "died_in_custody": 0}
    assert staff["public"] is False


def test_letters_downloaded_and_sent_are_shown_per_person(
    db: Any, sentinel_cases: dict[str, Case]
) -> None:
    report = build_release_report(db, 2020, public=True)
    ada = by_name(report["released"])["Ada Example (fictional)"]
    assert (ada["letters_downloaded"], ada["letters_sent"]) == (120, 45)
    assert report["totals"]["letters_downloaded"] == 120


def test_held_at_year_end_agrees_with_the_domain_rule(db: Any, caseworker: User) -> None:
    def case(ref: str, *changes: tuple[str, str]) -> None:
        c = create_case(
            db, caseworker, {"reference": ref, "full_name": ref, "country": "IR",
                             "category": "student"},
        )  # fmt: skip
        for status, when in changes:
            kind = "pardon" if status == "released" else None
            change_status(db, caseworker, c, status, dt.date.fromisoformat(when),
                          release_kind=kind)  # fmt: skip

    case("A", ("detained", "2019-01-01"), ("released", "2020-05-01"))
    case("B", ("detained", "2019-01-01"))
    case("C", ("detained", "2021-01-01"))
    case("D", ("detained", "2019-01-01"), ("released", "2020-05-01"), ("charged", "2020-12-31"))
    case("E", ("detained", "2019-01-01"), ("restricted", "2020-02-01"))
    rows = [
        StatusRow(sc.case_id, "", "", "", "", "", True, sc.to_status, sc.effective_on,
                  change_id=sc.id)
        for sc in db.scalars(select(StatusChange))
    ]  # fmt: skip
    histories = group_by_case(rows)
    for year in (2018, 2019, 2020, 2021):
        assert reports.held_at_end_of_year(db, year) == held_at_end_of(histories, year)
    assert reports.held_at_end_of_year(db, 2020) == 2
    report = build_release_report(db, 2020, public=False)
    assert report["totals"]["held_at_year_end"] == 2
    assert report["totals"]["previous_year"]["held_at_year_end"] == 4
    assert report["totals"]["restricted"] == 1
    assert [p["name"] for p in report["restricted"]] == ["E"]


def test_year_index_counts_every_year_with_a_change(db: Any, real_people: list[Case]) -> None:
    index = reports.year_index(db)
    years = [row["year"] for row in index]
    assert years == [2021, 2020, 2019, 2018, 2017, 2016, 2015]
    assert index[1] == {"year": 2020, "released": 3, "restricted": 0, "died_in_custody": 0}


def test_a_year_with_no_releases_gives_empty_sections(db: Any, real_people: list[Case]) -> None:
    report = build_release_report(db, 1999, public=True)
    assert report["released"] == [] and report["restricted"] == []
    assert report["totals"]["released"] == 0
    assert render_report_csv(report).count("\n") == 1  # the header only
