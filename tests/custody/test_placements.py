"""Placements and hearings: API, staff case page, timeline, audit log and dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import bearer
from tests.conftest import login_as
from tests.custody.conftest import post_form
from tracker.models import AuditEvent, Case, Facility, User
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.placements import add_hearing, add_placement


def test_the_newest_placement_is_the_current_facility_read_only_on_the_case(
    client: FlaskClient, caseworker_token: str, db: Any, person: Case, zanjan: Facility
) -> None:
    headers = bearer(caseworker_token)
    evin = create_facility(db, None, {"name": "Evin Prison", "country": "IR"})
    db.commit()
    url = f"/api/v1/cases/{person.id}/placements"
    first = client.post(
        url, json={"facility_id": evin.id, "effective_on": "2015-05-05"}, headers=headers
    )
    assert first.status_code == 201, first.json
    moved = client.post(
        url,
        json={
            "facility_id": zanjan.id,
            "effective_on": "2019-12-01",
            "precision": "month",
            "public_note": "Transferred in late December 2019.",
            "source_url": "https://www.amnesty.org/en/latest/news/2020/10/iran-narges-mohammadi/",
        },
        headers=headers,
    )
    assert moved.status_code == 201 and moved.json["facility_name"] == zanjan.name
    # An older move recorded later does not replace the newest.
    client.post(url, json={"facility_id": evin.id, "effective_on": "2016-01-01"}, headers=headers)
    case = client.get(f"/api/v1/cases/{person.id}", headers=headers).json
    assert case["facility_id"] == zanjan.id
    listed = client.get(url, headers=headers).json["items"]
    assert [p["effective_on"] for p in listed] == ["2015-05-05", "2016-01-01", "2019-12-01"]
    # facility_id is read-only on the case.
    refused = client.patch(
        f"/api/v1/cases/{person.id}",
        json={"facility_id": evin.id},
        headers={**headers, "If-Match": f'"case-{person.id}-v{case["version"]}"'},
    )
    assert refused.status_code == 422


def test_a_bad_placement_is_refused_and_changes_nothing(
    client: FlaskClient, caseworker_token: str, person: Case, zanjan: Facility
) -> None:
    headers = bearer(caseworker_token)
    url = f"/api/v1/cases/{person.id}/placements"
    unknown = client.post(
        url, json={"facility_id": 9999, "effective_on": "2020-01-01"}, headers=headers
    )
    assert unknown.status_code == 422 and "facility_id" in unknown.json["details"]["fields"]
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    ahead = client.post(
        url, json={"facility_id": zanjan.id, "effective_on": future}, headers=headers
    )
    assert ahead.status_code == 422 and "effective_on" in ahead.json["details"]["fields"]
    assert client.get(url, headers=headers).json["items"] == []
    assert client.get("/api/v1/cases/9999/placements", headers=headers).status_code == 404


def test_hearings_through_the_api_earliest_first(
    client: FlaskClient, caseworker_token: str, person: Case
) -> None:
    headers = bearer(caseworker_token)
    url = f"/api/v1/cases/{person.id}/hearings"
    coming = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    assert (
        client.post(
            url,
            json={"on": coming, "kind": "appeal_hearing", "court": "Branch 26"},
            headers=headers,
        ).status_code
        == 201
    )
    assert (
        client.post(url, json={"on": "2016-05-01", "kind": "verdict"}, headers=headers).status_code
        == 201
    )
    items = client.get(url, headers=headers).json["items"]
    assert [(h["kind"], h["on"]) for h in items] == [
        ("verdict", "2016-05-01"),
        ("appeal_hearing", coming),
    ]
    assert (
        client.post(url, json={"on": coming, "kind": "party"}, headers=headers).status_code == 422
    )


def test_placements_and_hearings_are_audited(
    db: Any, caseworker: User, person: Case, zanjan: Facility
) -> None:
    add_placement(db, caseworker, person, zanjan.id, dt.date(2019, 12, 1), precision="month")
    add_hearing(db, caseworker, person, dt.date(2016, 5, 1), kind="verdict")
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "case", AuditEvent.entity_id == person.id
        )
    ).all()
    actions = {e.action: e for e in events}
    assert actions["case.placement"].detail["facility_id"] == zanjan.id
    assert actions["case.placement"].detail["is_current"] is True
    assert actions["case.hearing"].detail["kind"] == "verdict"
    assert actions["case.placement"].user_id == caseworker.id


def test_staff_record_a_move_and_a_hearing_and_see_them_on_the_case_and_dashboard(
    client: FlaskClient, caseworker: User, db: Any, person: Case, zanjan: Facility
) -> None:
    login_as(client, caseworker)
    moved = post_form(
        client,
        f"/staff/cases/{person.id}/placements/new",
        {
            "facility_id": str(zanjan.id),
            "effective_on": "2019-12-01",
            "precision": "month",
            "public_note": "Moved to Zanjan",
        },
    )
    assert moved.status_code == 302
    soon = dt.date.today() + dt.timedelta(days=5)
    heard = post_form(
        client,
        f"/staff/cases/{person.id}/hearings/new",
        {"on": soon.isoformat(), "kind": "trial", "court": "Revolutionary Court Branch 15"},
    )
    assert heard.status_code == 302
    page = client.get(f"/staff/cases/{person.id}").get_data(as_text=True)
    assert "Current facility" in page and zanjan.name in page
    assert "Next hearing" in page and "Revolutionary Court Branch 15" in page
    assert "Moved" in page and "Moved to Zanjan" in page  # the timeline
    facility_page = client.get(f"/staff/facilities/{zanjan.id}").get_data(as_text=True)
    assert "Placed here now" in facility_page and person.full_name in facility_page
    board = client.get("/staff").get_data(as_text=True)
    assert "Coming hearings" in board and person.full_name in board
    assert "moved to another facility" in board


def test_a_refused_move_keeps_the_form_and_records_nothing(
    client: FlaskClient, caseworker: User, db: Any, person: Case, zanjan: Facility
) -> None:
    login_as(client, caseworker)
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    response = post_form(
        client,
        f"/staff/cases/{person.id}/placements/new",
        {"facility_id": str(zanjan.id), "effective_on": future, "precision": "day"},
    )
    assert response.status_code == 422 and "in the future" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, person.id).facility_id is None


def test_a_viewer_sees_custody_but_cannot_record(
    client: FlaskClient, viewer: User, db: Any, person: Case, zanjan: Facility
) -> None:
    add_placement(db, None, person, zanjan.id, dt.date(2019, 12, 1))
    db.commit()
    login_as(client, viewer)
    page = client.get(f"/staff/cases/{person.id}").get_data(as_text=True)
    assert zanjan.name in page and "Record a move" not in page
    assert client.get(f"/staff/cases/{person.id}/placements/new").status_code == 403
