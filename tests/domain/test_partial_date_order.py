"""The order of partial dates: a change known to the month may follow one known to the day."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.dates import (
    iso_partial_date,
    last_day,
    may_follow,
    order_day,
    parse_partial_date,
)
from tracker.domain.vocabulary import Precision

D = dt.date


def test_last_day_of_a_month_a_year_and_a_day() -> None:
    assert last_day(D(2020, 2, 1), "month") == D(2020, 2, 29)
    assert last_day(D(2020, 12, 1), "month") == D(2020, 12, 31)
    assert last_day(D(2015, 1, 1), "year") == D(2015, 12, 31)
    assert last_day(D(2015, 5, 17), "day") == D(2015, 5, 17)


def test_a_month_may_follow_a_day_inside_it_and_sorts_at_that_day() -> None:
    # Disappeared 7 September 2020, then charged "September 2020".
    assert may_follow(D(2020, 9, 1), "month", D(2020, 9, 7))
    assert order_day(D(2020, 9, 1), "month", D(2020, 9, 7)) == D(2020, 9, 7)
    # August 2020 cannot follow 7 September; a day before it neither.
    assert not may_follow(D(2020, 8, 1), "month", D(2020, 9, 7))
    assert not may_follow(D(2020, 9, 6), "day", D(2020, 9, 7))
    # Arrested "2015", charged 20 March 2015: the finer date sorts at itself.
    assert order_day(D(2015, 3, 20), "day", D(2015, 1, 1)) == D(2015, 3, 20)
    # The first change sorts at its first day.
    assert order_day(D(2015, 5, 1), "month", None) == D(2015, 5, 1)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2015", D(2015, 1, 1), Precision.YEAR),
        ("2015-05", D(2015, 5, 1), Precision.MONTH),
        ("2015-05-17", D(2015, 5, 17), Precision.DAY),
        (" 2017-01 ", D(2017, 1, 1), Precision.MONTH),
    ],
)
def test_csv_dates_at_their_precision_read_and_write_back(
    text: str, value: dt.date, precision: Precision
) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.value, parsed.precision) == (value, precision)
    assert iso_partial_date(parsed.value, parsed.precision) == text.strip()


@pytest.mark.parametrize("text", ["15", "2015-5", "2015-13", "2015/05", "May 2015", "2015-05-32"])
def test_a_date_in_another_form_is_refused_with_the_forms_named(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_partial_date(text)
