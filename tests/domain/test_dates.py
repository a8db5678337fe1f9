"""Dates shown at their precision, as human-rights records know them."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.dates import (
    PartialDate,
    format_partial_date,
    is_known_language,
    parse_iso_date,
)
from tracker.domain.text import slugify


def test_month_precision_reads_as_month_and_year() -> None:
    assert format_partial_date(dt.date(2015, 5, 1), "month") == "May 2015"


def test_day_and_year_precision() -> None:
    assert format_partial_date(dt.date(2020, 10, 8), "day") == "8 October 2020"
    assert format_partial_date(dt.date(2015, 1, 1), "year") == "2015"


def test_partial_date_normalises_to_first_day() -> None:
    assert PartialDate.of(dt.date(2021, 11, 17), "month").value == dt.date(2021, 11, 1)
    assert PartialDate.of(dt.date(2021, 11, 17), "year").value == dt.date(2021, 1, 1)


@pytest.mark.parametrize("bad", ["2020-13-01", "2020/01/01", "01-01-2020", "2020-1-1", "", "x"])
def test_bad_iso_dates_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_iso_date(bad)


def test_slug_of_vietnamese_name() -> None:
    assert slugify("Trần Thị Nga") == "tran-thi-nga"
    assert slugify("王全璋") == "case"


def test_letter_dates_follow_the_letter_language() -> None:
    day = dt.date(2020, 10, 8)
    assert format_partial_date(day, "day", "vi") == "8 tháng 10, 2020"
    assert "2020" in format_partial_date(day, "day", "zh-Hans")
    assert "10月" in format_partial_date(day, "day", "zh-Hans")
    assert "اکتبر" in format_partial_date(day, "day", "fa")
    assert format_partial_date(dt.date(2015, 5, 1), "month", "vi") == "tháng 5 năm 2015"


def test_unknown_language_falls_back_to_english() -> None:
    assert format_partial_date(dt.date(2015, 5, 1), "month", "xx-Nope") == "May 2015"
    assert not is_known_language("xx-Nope")
    assert is_known_language("zh-Hans") and is_known_language("fa")
