"""/birthdays (day and month, never the year; public consented cases only) and a case's own
Atom feed (public notes only), with sentinels in every private field, birth years included."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

from flask.testing import FlaskClient

from tests.pdf.factory import SENTINEL, make_case
from tracker.models import User
from tracker.services.cases.editing import change_status
from tracker.services.publishing.birthdays import coming_birthdays

TODAY = dt.date.today()
# Birth years no page may show: each is distinctive and not a year anything else prints.
YEARS = (1931, 1933, 1937, 1939, 1941)


def _born(days_from_today: int, year: int) -> str:
    soon = TODAY + dt.timedelta(days=days_from_today)
    day = min(soon.day, 28) if soon.month == 2 else soon.day
    return dt.date(year, soon.month, day).isoformat()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_birthdays_show_day_and_month_of_consented_public_people_only(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    shown = make_case(
        db,
        caseworker,
        "BD-1",
        "Shown Birthday",
        birth_date=_born(3, YEARS[0]),
        birthday_public=True,
    )
    make_case(
        db,
        caseworker,
        "BD-2",
        "Not Consented Birthday",
        birth_date=_born(4, YEARS[1]),
        birthday_public=False,
    )
    make_case(
        db,
        caseworker,
        "BD-3",
        "Hidden Case Birthday",
        birth_date=_born(5, YEARS[2]),
        birthday_public=True,
        public=False,
    )
    make_case(
        db,
        caseworker,
        "BD-4",
        "Far Birthday",
        birth_date=_born(45, YEARS[3]),
        birthday_public=True,
    )
    make_case(
        db,
        caseworker,
        "BD-5",
        "Month Only Birthday",
        birth_date=_born(6, YEARS[4]),
        birth_date_precision="month",
        birthday_public=True,
    )
    db.commit()
    response = client.get("/birthdays")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(page)
    soon = TODAY + dt.timedelta(days=3)
    assert "Shown Birthday" in text and f"{soon.strftime('%B')} {soon.day}" in text
    assert "in 3 days" in text
    for name in ("Not Consented", "Hidden Case", "Far Birthday", "Month Only"):
        assert name not in text
    for year in YEARS:
        assert str(year) not in page
    assert SENTINEL not in page
    assert shown.slug in page


def test_birthday_lists_hold_no_year_at_all(db: Any, caseworker: User) -> None:
    make_case(
        db,
        caseworker,
        "BD-6",
        "Object Birthday",
        birth_date=_born(0, YEARS[0]),
        birthday_public=True,
    )
    db.commit()
    (found,) = coming_birthdays(db, TODAY)
    assert found.days_until == 0
    assert not any(str(YEARS[0]) in repr(value) for value in (found, *vars_of(found)))


def vars_of(obj: Any) -> list[Any]:
    return [getattr(obj, name) for name in obj.__slots__]


def test_birthdays_in_arabic_name_the_month_in_arabic(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    make_case(
        db,
        caseworker,
        "BD-7",
        "Arabic Birthday",
        birth_date=_born(2, YEARS[0]),
        birthday_public=True,
    )
    db.commit()
    page = client.get("/birthdays?lang=ar").get_data(as_text=True)
    assert "Arabic Birthday" in page and str(YEARS[0]) not in page
    month = (TODAY + dt.timedelta(days=2)).strftime("%B")
    assert month not in _text(page)


def test_case_feed_follows_one_case_with_public_notes_only(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(
        db,
        caseworker,
        "VN-FEED",
        "Feed Person",
        birth_date=_born(1, YEARS[1]),
        birthday_public=True,
    )
    change_status(
        db,
        caseworker,
        case,
        "sentenced",
        dt.date(2018, 7, 25),
        note=f"{SENTINEL}-private-note",
        public_note="Sentenced to nine years.",
        source_url=f"https://example.org/{SENTINEL}-source",
    )
    other = make_case(db, caseworker, "VN-OTHER", "Other Person")
    change_status(
        db,
        caseworker,
        other,
        "released",
        dt.date(2019, 1, 1),
        release_kind="pardon",
        public_note="Other news.",
    )
    db.commit()
    response = client.get(f"/cases/{case.slug}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    feed = ElementTree.fromstring(body)  # noqa: S314 - our own feed, from our own template
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == ["Feed Person: Sentenced", "Feed Person: Detained"]
    assert "Sentenced to nine years." in body and "Arrested in January 2017." in body
    assert SENTINEL not in body and "Other" not in body and str(YEARS[1]) not in body
    case_page = client.get(f"/cases/{case.slug}").get_data(as_text=True)
    assert f"/cases/{case.slug}/feed.atom" in case_page


def test_case_feed_of_a_hidden_or_unconsented_case_is_404(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    hidden = make_case(db, caseworker, "VN-H", "Hidden Feed", public=False)
    unconsented = make_case(db, caseworker, "VN-U", "Unconsented Feed", consent=False)
    db.commit()
    for case in (hidden, unconsented):
        response = client.get(f"/cases/{case.slug}/feed.atom")
        assert response.status_code == 404
        assert case.full_name not in response.get_data(as_text=True)
