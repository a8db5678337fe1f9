"""The report's previous/next links step through the years that hold records, not 1900-2200."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from tracker.models import Case


def _links(client: FlaskClient, year: int) -> tuple[bool, bool]:
    html = client.get(f"/reports/releases/{year}").get_data(as_text=True)
    return 'rel="prev"' in html, 'rel="next"' in html


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2020, (True, True)),  # inside the records (2015-2021)
        (2015, (False, True)),  # the first year with records: nothing before it
        (2014, (False, True)),  # a year before the records leads forward into them
        (1990, (False, False)),  # far outside: no chain of empty years to follow
    ],
)
def test_year_links_follow_the_records(
    client: FlaskClient, real_people: list[Case], year: int, expected: tuple[bool, bool]
) -> None:
    assert _links(client, year) == expected


def test_no_next_link_past_this_year(client: FlaskClient, real_people: Any) -> None:
    this_year = dt.date.today().year
    assert _links(client, this_year) == (True, False)
    assert _links(client, this_year + 5) == (False, False)
