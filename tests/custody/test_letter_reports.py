"""Letter reports: entered per case, counted at the facility of that day, notes encrypted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import text

from tests.api.conftest import bearer
from tests.conftest import login_as
from tests.custody.conftest import post_form
from tracker.domain.custody import LetterFigures
from tracker.models import Appeal, Case, Facility, User
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.figures import facility_figures
from tracker.services.custody.letter_reports import add_letter_report
from tracker.services.custody.placements import add_placement
from tracker.services.letters import counters


def test_a_report_counts_at_the_facility_the_person_was_in_that_day(
    client: FlaskClient, caseworker_token: str, db: Any, person: Case, zanjan: Facility
) -> None:
    evin = create_facility(db, None, {"name": "Evin Prison", "country": "IR"})
    add_placement(db, None, person, evin.id, dt.date(2024, 1, 1))
    add_placement(db, None, person, zanjan.id, dt.date(2025, 6, 1))
    db.commit()
    headers = bearer(caseworker_token)
    url = f"/api/v1/cases/{person.id}/letter-reports"
    early = client.post(
        url, json={"kind": "returned", "on": "2025-03-01", "count": 4}, headers=headers
    )
    late = client.post(
        url, json={"kind": "reply", "on": "2025-07-01", "note": "SENTINEL-REPORT"}, headers=headers
    )
    before = client.post(url, json={"kind": "delivered", "on": "2020-01-01"}, headers=headers)
    assert (early.status_code, late.status_code, before.status_code) == (201, 201, 201)
    assert early.json["facility_id"] == evin.id and late.json["facility_id"] == zanjan.id
    assert before.json["facility_id"] is None
    items = client.get(url, headers=headers).json["items"]
    assert [i["kind"] for i in items] == ["delivered", "returned", "reply"]
    assert items[-1]["note"] == "SENTINEL-REPORT"


def test_bad_reports_are_refused(client: FlaskClient, caseworker_token: str, person: Case) -> None:
    headers = bearer(caseworker_token)
    url = f"/api/v1/cases/{person.id}/letter-reports"
    future = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    assert (
        client.post(url, json={"kind": "reply", "on": future}, headers=headers).status_code == 422
    )
    assert (
        client.post(url, json={"kind": "lost", "on": "2020-01-01"}, headers=headers).status_code
        == 422
    )
    assert (
        client.post(
            url, json={"kind": "reply", "on": "2020-01-01", "count": 0}, headers=headers
        ).status_code
        == 422
    )
    assert client.get(url, headers=headers).json["items"] == []


def test_letter_report_notes_are_encrypted_at_rest(db: Any, caseworker: User, person: Case) -> None:
    add_letter_report(db, caseworker, person, "returned", dt.date(2024, 2, 2), note="SENTINEL-NOTE")
    db.flush()
    stored = db.execute(text("SELECT note FROM letter_reports")).scalars().all()
    assert stored and all("SENTINEL" not in value for value in stored)
    audit = db.execute(text("SELECT detail FROM audit_events")).scalars().all()
    assert all("SENTINEL" not in str(value) for value in audit)


def test_figures_over_365_days_and_a_rate_only_from_10_reports(
    db: Any, caseworker: User, person: Case, zanjan: Facility
) -> None:
    today = dt.date(2026, 6, 30)
    add_placement(db, None, person, zanjan.id, dt.date(2025, 1, 1))
    appeal = Appeal(case_id=person.id, kind="solidarity", status="active", subject="Hi")
    other = Appeal(case_id=person.id, kind="appeal", status="active", subject="To the judge")
    db.add_all([appeal, other])
    db.flush()
    counters.add_counts(db, appeal.id, dt.date(2026, 3, 1), sent=7)
    counters.add_counts(db, other.id, dt.date(2026, 3, 1), sent=50)  # to an official: not here
    counters.add_counts(db, appeal.id, dt.date(2025, 6, 1), sent=100)  # over a year ago
    add_letter_report(db, caseworker, person, "returned", dt.date(2026, 2, 1), count=3)
    add_letter_report(db, caseworker, person, "reply", dt.date(2026, 3, 1), count=2)
    add_letter_report(db, caseworker, person, "delivered", dt.date(2026, 4, 1), count=4)
    add_letter_report(db, caseworker, person, "returned", dt.date(2025, 5, 1), count=9)  # too old
    figures = facility_figures(db, [zanjan.id], today)[zanjan.id]
    assert figures == LetterFigures(posted=7, returned=3, replies=2, delivered=4)
    assert figures.get_through_rate is None  # 9 reported letters
    add_letter_report(db, caseworker, person, "delivered", dt.date(2026, 5, 1), count=1)
    figures = facility_figures(db, [zanjan.id], today)[zanjan.id]
    assert figures.as_dict() == {"posted": 7, "returned": 3, "replies": 2, "get_through_rate": 0.7}


def test_facility_stats_in_the_api(
    client: FlaskClient,
    caseworker_token: str,
    db: Any,
    caseworker: User,
    person: Case,
    zanjan: Facility,
) -> None:
    today = dt.date.today()
    add_placement(db, None, person, zanjan.id, today - dt.timedelta(days=100))
    add_letter_report(db, caseworker, person, "returned", today - dt.timedelta(days=5), count=10)
    db.commit()
    stats = client.get(f"/api/v1/facilities/{zanjan.id}", headers=bearer(caseworker_token)).json[
        "stats"
    ]
    assert stats == {"posted": 0, "returned": 10, "replies": 0, "get_through_rate": 0.0}


def test_staff_report_returned_letters_on_the_case_page(
    client: FlaskClient, caseworker: User, db: Any, person: Case, zanjan: Facility
) -> None:
    add_placement(db, None, person, zanjan.id, dt.date(2020, 1, 1))
    db.commit()
    login_as(client, caseworker)
    response = post_form(
        client,
        f"/staff/cases/{person.id}/letter-reports/new",
        {"kind": "returned", "on": "2024-02-02", "count": "3", "note": "Stamped 'refused'"},
    )
    assert response.status_code == 302
    page = client.get(f"/staff/cases/{person.id}").get_data(as_text=True)
    assert "Returned" in page and "Stamped" in page and zanjan.name in page
    facility_page = client.get(f"/staff/facilities/{zanjan.id}").get_data(as_text=True)
    assert "Letters over 365 days" in facility_page
