"""Detention arithmetic, and the case page and the yearly report counting the same days."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.detention import Detention, latest_detention
from tracker.domain.report import StatusRow, build_report
from tracker.services.publishing.objects import PublicCase, PublicStatusChange

TODAY = dt.date(2024, 5, 1)
NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)

Change = tuple[str, str, str]  # status, ISO date, precision


def report_rows(changes: list[Change]) -> list[StatusRow]:
    return [
        StatusRow(
            case_id=1,
            reference="REF-1",
            name="Person",
            name_native="",
            country="IR",
            category="activist",
            is_publishable=True,
            to_status=status,
            effective_on=dt.date.fromisoformat(when),
            precision=precision,
            release_kind="pardon" if status == "released" else None,
            change_id=i,
        )
        for i, (status, when, precision) in enumerate(changes, 1)
    ]


def case_page(changes: list[Change], arrested_on: dt.date | None = None) -> PublicCase:
    """The public case as its page and its letters see it."""
    history = []
    previous: str | None = None
    for i, (status, when, precision) in enumerate(changes, 1):
        when_on = dt.date.fromisoformat(when)
        step = (i, 1, "person", "Person", previous, status, when_on, precision, None, "", NOW)
        history.append(PublicStatusChange(*step))
        previous = status
    last = history[-1] if history else None
    return PublicCase(
        id=1, slug="person", name="Person", name_native="", country="IR", country_name="Iran",
        category="activist", profession="", arrested_on=arrested_on, arrested_on_precision="day",
        place_of_detention="",
        charges="", sentence="", summary="",
        status=last.to_status if last else "detained",
        status_since=last.effective_on if last else None,
        status_since_precision=last.precision if last else "day",
        has_photo=False, history=tuple(history),
    )  # fmt: skip


# Histories ending in a release, including the shapes that used to be counted differently by
# the case page (from the last entry into custody) and by the report (from the first held status
# after the previous release, bail included).
RELEASED = {
    "simple": [("detained", "2019-03-01", "day"), ("released", "2020-01-01", "day")],
    "bail between two detentions": [
        ("detained", "2018-02-10", "day"),
        ("restricted", "2018-09-01", "day"),
        ("sentenced", "2019-01-15", "day"),
        ("released", "2020-06-30", "day"),
    ],
    "released twice": [
        ("detained", "2019-05-01", "day"),
        ("released", "2020-02-10", "day"),
        ("detained", "2020-06-01", "day"),
        ("released", "2020-09-15", "day"),
    ],
    "known to the month": [
        ("detained", "2015-05-01", "month"),
        ("sentenced", "2016-05-01", "month"),
        ("released", "2020-10-08", "day"),
    ],
    "closed after the release": [
        ("detained", "2019-03-01", "day"),
        ("released", "2020-04-05", "day"),
        ("closed", "2021-01-01", "day"),
    ],
}


@pytest.mark.parametrize("changes", RELEASED.values(), ids=RELEASED.keys())
def test_a_case_page_and_the_report_agree_on_the_time_detained(changes: list[Change]) -> None:
    page = case_page(changes)
    release_year = max(dt.date.fromisoformat(d).year for s, d, _ in changes if s == "released")
    [entry] = build_report(report_rows(changes), release_year, public=False).released
    detention = page.detention()
    assert detention is not None
    assert page.days_detained(TODAY) == entry.days_detained
    assert (detention.start, detention.start_precision) == (
        entry.detained_since,
        entry.detained_since_precision,
    )
    assert detention.is_approximate == entry.days_detained_is_approximate


def test_bail_between_two_held_statuses_counts_as_detention_on_the_case_page() -> None:
    page = case_page(RELEASED["bail between two detentions"])
    assert page.detained_since == "10 February 2018"
    assert page.days_detained(TODAY) == (dt.date(2020, 6, 30) - dt.date(2018, 2, 10)).days


def test_a_person_held_now_counts_to_today_from_the_last_arrest() -> None:
    page = case_page(
        [
            ("detained", "2017-01-01", "month"),
            ("released", "2019-01-01", "day"),
            ("detained", "2022-03-14", "day"),
            ("sentenced", "2023-01-01", "day"),
        ]
    )
    assert page.detained_since == "14 March 2022"
    assert page.days_detained(TODAY) == (TODAY - dt.date(2022, 3, 14)).days


def test_a_person_on_bail_now_counts_to_the_day_they_left_custody() -> None:
    page = case_page([("detained", "2022-01-10", "day"), ("restricted", "2023-01-10", "day")])
    assert page.days_detained(TODAY) == 365


def test_without_a_held_status_the_date_of_arrest_is_the_start() -> None:
    page = case_page([], arrested_on=dt.date(2024, 4, 1))
    assert page.detained_since == "1 April 2024"
    assert page.days_detained(TODAY) == 30
    assert case_page([]).days_detained(TODAY) is None


def test_latest_detention_of_a_history_never_held_is_none() -> None:
    assert latest_detention(report_rows([("restricted", "2020-01-01", "day")])) is None


def test_a_detention_with_dates_in_the_wrong_order_lasts_zero_days() -> None:
    assert Detention(dt.date(2020, 5, 1), end=dt.date(2020, 4, 1)).days(TODAY) == 0
