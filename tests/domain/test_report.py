"""The counting rule of the yearly report of releases, over plain rows, without a database."""

from __future__ import annotations

import datetime as dt
import itertools

from tracker.domain.report import (
    Letters,
    SectionCounts,
    StatusRow,
    build_report,
    duration_words,
    group_by_case,
    held_at_end_of,
    yearly_counts,
)

_ids = itertools.count(1)


def person(
    case_id: int,
    *changes: tuple[str, str] | tuple[str, str, str],
    publishable: bool = True,
    country: str = "IR",
    category: str = "activist",
) -> list[StatusRow]:
    """A case history from (status, ISO date[, precision or release kind]) tuples."""
    rows = []
    for change in changes:
        status, when = change[0], dt.date.fromisoformat(change[1])
        extra = change[2] if len(change) > 2 else None
        precision = extra if extra in ("day", "month", "year") else "day"
        kind = extra if status == "released" and extra not in ("day", "month", "year") else None
        if status == "released" and kind is None:
            kind = "sentence_served"
        rows.append(
            StatusRow(
                case_id=case_id,
                reference=f"REF-{case_id}",
                name=f"Person {case_id}",
                name_native="",
                country=country,
                category=category,
                is_publishable=publishable,
                to_status=status,
                effective_on=when,
                precision=precision,
                release_kind=kind,
                public_note=f"note {case_id}",
                change_id=next(_ids),
            )
        )
    return rows


def names(entries: object) -> list[str]:
    return [e.name for e in entries]  # type: ignore[attr-defined]


def test_released_on_first_and_last_day_of_the_year_count_in_that_year() -> None:
    rows = [
        *person(1, ("detained", "2019-03-01"), ("released", "2020-01-01")),
        *person(2, ("detained", "2019-03-01"), ("released", "2020-12-31")),
        *person(3, ("detained", "2019-03-01"), ("released", "2019-12-31")),
        *person(4, ("detained", "2019-03-01"), ("released", "2021-01-01")),
    ]
    report = build_report(rows, 2020, public=False)
    assert names(report.released) == ["Person 1", "Person 2"]
    assert report.counts.released == 2
    assert report.previous_year.released == 1
    assert report.released[0].days_detained == 306
    assert report.released[1].days_detained == 671


def test_released_twice_in_a_year_counts_once_and_shows_the_last_release() -> None:
    rows = person(
        1,
        ("detained", "2019-05-01"),
        ("released", "2020-02-10", "pardon"),
        ("detained", "2020-06-01"),
        ("released", "2020-09-15", "acquitted"),
    )
    report = build_report(rows, 2020, public=False)
    assert report.counts.released == 1
    [entry] = report.released
    assert entry.effective_on == dt.date(2020, 9, 15)
    assert entry.release_kind == "acquitted"
    assert entry.times_in_year == 2
    # Time detained is that of the last detention only.
    assert entry.detained_since == dt.date(2020, 6, 1)
    assert entry.days_detained == 106
    assert entry.rearrested_on is None


def test_rearrest_later_the_same_year_keeps_the_person_in_the_year() -> None:
    rows = person(
        1, ("detained", "2019-05-01"), ("released", "2020-03-01"), ("detained", "2020-11-20")
    )
    [entry] = build_report(rows, 2020, public=False).released
    assert entry.rearrested_on == dt.date(2020, 11, 20)
    assert entry.rearrested_precision == "day"


def test_rearrest_the_next_year_is_shown_at_its_precision() -> None:
    rows = person(
        1,
        ("detained", "2015-05-01", "month"),
        ("sentenced", "2016-05-01", "month"),
        ("released", "2020-10-08", "early_release"),
        ("detained", "2021-11-01", "month"),
    )
    report = build_report(rows, 2020, public=False)
    [entry] = report.released
    assert (entry.rearrested_on, entry.rearrested_precision) == (dt.date(2021, 11, 1), "month")
    assert entry.detained_since == dt.date(2015, 5, 1)
    assert entry.days_detained_is_approximate
    # The next year's report does not count the re-arrest as anything.
    assert build_report(rows, 2021, public=False).counts == SectionCounts()


def test_released_and_rearrested_same_year_and_next_shows_the_later_rearrest() -> None:
    rows = person(
        1,
        ("detained", "2019-01-10"),
        ("released", "2020-02-01"),
        ("detained", "2020-05-01"),
        ("released", "2020-08-01"),
        ("detained", "2021-03-03"),
    )
    [entry] = build_report(rows, 2020, public=False).released
    assert entry.effective_on == dt.date(2020, 8, 1)
    assert entry.rearrested_on == dt.date(2021, 3, 3)


def test_restricted_then_released_is_listed_once_among_the_releases() -> None:
    rows = [
        *person(
            1, ("detained", "2018-01-01"), ("restricted", "2020-03-01"), ("released", "2020-07-01")
        ),
        *person(2, ("detained", "2018-01-01"), ("restricted", "2020-04-01")),
        *person(
            3, ("detained", "2018-01-01"), ("restricted", "2019-04-01"), ("released", "2020-02-01")
        ),
    ]
    report = build_report(rows, 2020, public=False)
    assert names(report.released) == ["Person 3", "Person 1"]
    assert names(report.restricted) == ["Person 2"]
    assert report.counts == SectionCounts(released=2, restricted=1)
    # Bail or house arrest between arrest and release counts as time detained.
    assert report.released[1].detained_since == dt.date(2018, 1, 1)
    assert report.previous_year.restricted == 1


def test_month_and_year_precision_count_in_their_year_and_month() -> None:
    rows = [
        *person(1, ("detained", "2019-01-01"), ("released", "2020-05-01", "month")),
        *person(2, ("detained", "2019-01-01"), ("released", "2020-01-01", "year")),
        *person(3, ("detained", "2019-01-01"), ("released", "2020-05-20")),
    ]
    report = build_report(rows, 2020, public=False)
    assert report.counts.released == 3
    months = dict(report.breakdowns.by_month)
    assert months[5] == 2
    assert months[1] == 0
    assert months[None] == 1
    precisions = {e.name: e.precision for e in report.released}
    assert precisions == {"Person 1": "month", "Person 2": "year", "Person 3": "day"}


def test_non_public_cases_are_counted_but_not_named_in_the_public_view() -> None:
    rows = [
        *person(1, ("detained", "2019-01-01"), ("released", "2020-05-01")),
        *person(
            2,
            ("detained", "2019-01-01"),
            ("released", "2020-06-01"),
            publishable=False,
            country="CN",
        ),
        *person(3, ("detained", "2019-01-01"), ("restricted", "2020-06-01"), publishable=False),
        *person(
            4, ("detained", "2019-01-01"), ("died_in_custody", "2020-06-01"), publishable=False
        ),
    ]
    public = build_report(rows, 2020, public=True)
    assert names(public.released) == ["Person 1"]
    assert public.restricted == () and public.died_in_custody == ()
    assert public.unnamed == SectionCounts(released=1, restricted=1, died_in_custody=1)
    assert public.counts == SectionCounts(released=2, restricted=1, died_in_custody=1)
    # Breakdowns cover the named people only: an unnamed person's country is not given away.
    assert dict(public.breakdowns.by_country) == {"IR": 1}

    staff = build_report(rows, 2020, public=False)
    assert names(staff.released) == ["Person 1", "Person 2"]
    assert names(staff.died_in_custody) == ["Person 4"]
    assert staff.unnamed == SectionCounts()
    assert dict(staff.breakdowns.by_country) == {"CN": 1, "IR": 1}


def test_a_year_with_no_releases_gives_an_empty_report() -> None:
    rows = person(1, ("detained", "2019-01-01"), ("released", "2020-05-01"))
    report = build_report(rows, 2023, public=True)
    assert report.is_empty
    assert report.released == ()
    assert report.breakdowns.by_country == ()
    assert [count for _month, count in report.breakdowns.by_month] == [0] * 12
    assert build_report([], 2023, public=False).is_empty


def test_deaths_in_custody_have_their_own_section() -> None:
    rows = person(1, ("detained", "2019-01-01"), ("died_in_custody", "2020-02-02"))
    report = build_report(rows, 2020, public=False)
    assert report.released == ()
    assert names(report.died_in_custody) == ["Person 1"]


def test_breakdowns_count_by_country_category_and_release_kind() -> None:
    rows = [
        *person(
            1,
            ("detained", "2019-01-01"),
            ("released", "2020-01-09", "exile"),
            country="VN",
            category="environmental_defender",
        ),
        *person(
            2,
            ("detained", "2019-01-01"),
            ("released", "2020-10-08", "early_release"),
            country="IR",
            category="human_rights_defender",
        ),
        *person(
            3,
            ("detained", "2019-01-01"),
            ("released", "2020-04-05", "sentence_served"),
            country="CN",
            category="lawyer",
        ),
        *person(
            4,
            ("detained", "2019-01-01"),
            ("released", "2020-04-06", "sentence_served"),
            country="CN",
            category="lawyer",
        ),
    ]
    b = build_report(rows, 2020, public=False).breakdowns
    assert b.by_country == (("CN", 2), ("IR", 1), ("VN", 1))
    assert b.by_category[0] == ("lawyer", 2)
    assert dict(b.by_release_kind) == {"sentence_served": 2, "exile": 1, "early_release": 1}
    assert dict(b.by_month)[4] == 2


def test_letters_are_attached_to_the_released_person() -> None:
    rows = person(7, ("detained", "2019-01-01"), ("released", "2020-05-01"))
    report = build_report(rows, 2020, public=True, letters={7: Letters(120, 45)})
    assert report.released[0].letters == Letters(downloaded=120, sent=45)


def test_cases_held_at_year_end() -> None:
    rows = [
        *person(1, ("detained", "2019-01-01"), ("released", "2020-05-01")),
        *person(2, ("detained", "2019-01-01")),
        *person(3, ("detained", "2021-01-01")),
        *person(
            4, ("detained", "2019-01-01"), ("released", "2020-05-01"), ("detained", "2020-12-31")
        ),
    ]
    histories = group_by_case(rows)
    assert held_at_end_of(histories, 2020) == 2
    assert held_at_end_of(histories, 2019) == 3


def test_yearly_counts_follow_the_same_rule() -> None:
    events = [
        (1, 2020, "released"),
        (1, 2020, "released"),
        (2, 2020, "restricted"),
        (2, 2020, "released"),
        (3, 2020, "restricted"),
        (4, 2019, "died_in_custody"),
        (5, 2018, "detained"),
    ]
    assert yearly_counts(events) == {
        2018: SectionCounts(),
        2019: SectionCounts(died_in_custody=1),
        2020: SectionCounts(released=2, restricted=1),
    }


def test_duration_words() -> None:
    assert duration_words(1, False) == "1 day"
    assert duration_words(1096, False) == "3 years"
    assert duration_words(1986, True) == "about 5 years, 5 months"
