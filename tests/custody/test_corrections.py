"""A placement, hearing or letter report recorded by mistake can be removed, by the API and on
the staff case page: the current facility, the next hearing and the facility's figures follow,
the audit log keeps what was removed, and a viewer cannot remove anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import bearer
from tests.conftest import csrf_token_from, login_as
from tracker.models import AuditEvent, Case, Facility, Hearing, User
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.letter_reports import add_letter_report
from tracker.services.custody.placements import add_hearing, add_placement


def _actions(db: Any, case_id: int) -> dict[str, AuditEvent]:
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "case", AuditEvent.entity_id == case_id)
    ).all()
    return {e.action: e for e in events}


def test_removing_the_newest_move_by_the_api_makes_the_previous_facility_current(
    client: FlaskClient, caseworker_token: str, db: Any, person: Case, zanjan: Facility
) -> None:
    headers = bearer(caseworker_token)
    evin = create_facility(db, None, {"name": "Evin Prison", "country": "IR"})
    db.commit()
    url = f"/api/v1/cases/{person.id}/placements"
    client.post(url, json={"facility_id": evin.id, "effective_on": "2015-05-05"}, headers=headers)
    wrong = client.post(
        url, json={"facility_id": zanjan.id, "effective_on": "2019-12-01"}, headers=headers
    ).json
    assert (
        client.get(f"/api/v1/cases/{person.id}", headers=headers).json["facility_id"] == zanjan.id
    )

    removed = client.delete(f"{url}/{wrong['id']}", headers=headers)
    assert removed.status_code == 204 and removed.get_data() == b""
    assert client.get(f"/api/v1/cases/{person.id}", headers=headers).json["facility_id"] == evin.id
    assert [p["facility_id"] for p in client.get(url, headers=headers).json["items"]] == [evin.id]
    event = _actions(db, person.id)["case.placement_removed"]
    assert event.detail["facility_id"] == zanjan.id and event.detail["effective_on"] == "2019-12-01"
    # Gone is gone: a second removal, or a record of another case, is a 404 that changes nothing.
    assert client.delete(f"{url}/{wrong['id']}", headers=headers).status_code == 404
    other = client.post(
        "/api/v1/cases",
        json={
            "reference": "XX-1",
            "full_name": "Other Person",
            "country": "IR",
            "category": "activist",
        },
        headers=headers,
    ).json
    evin_row = client.get(url, headers=headers).json["items"][0]
    wrong_case = client.delete(
        f"/api/v1/cases/{other['id']}/placements/{evin_row['id']}", headers=headers
    )
    assert wrong_case.status_code == 404
    assert len(client.get(url, headers=headers).json["items"]) == 1


def test_a_viewer_token_cannot_remove(
    client: FlaskClient, viewer_token: str, db: Any, person: Case, zanjan: Facility
) -> None:
    placement = add_placement(db, None, person, zanjan.id, dt.date(2019, 12, 1))
    db.commit()
    answer = client.delete(
        f"/api/v1/cases/{person.id}/placements/{placement.id}", headers=bearer(viewer_token)
    )
    assert answer.status_code == 403
    db.expire_all()
    assert db.get(Case, person.id).facility_id == zanjan.id


def test_removing_a_letter_report_takes_it_out_of_the_facility_figures(
    client: FlaskClient,
    caseworker_token: str,
    db: Any,
    caseworker: User,
    person: Case,
    zanjan: Facility,
) -> None:
    headers = bearer(caseworker_token)
    add_placement(db, None, person, zanjan.id, dt.date(2019, 12, 1))
    report = add_letter_report(
        db, caseworker, person, "returned", dt.date.today(), count=10, note="Private: courier"
    )
    db.commit()
    stats = client.get(f"/api/v1/facilities/{zanjan.id}", headers=headers).json["stats"]
    assert stats["returned"] == 10
    url = f"/api/v1/cases/{person.id}/letter-reports/{report.id}"
    assert client.delete(url, headers=headers).status_code == 204
    stats = client.get(f"/api/v1/facilities/{zanjan.id}", headers=headers).json["stats"]
    assert stats["returned"] == 0
    event = _actions(db, person.id)["case.letter_report_removed"]
    # The private note is never copied into the audit log.
    assert event.detail["count"] == 10 and "courier" not in str(event.detail)


def test_staff_remove_a_postponed_hearing_from_the_case_page(
    client: FlaskClient, caseworker: User, db: Any, person: Case
) -> None:
    soon = dt.date.today() + dt.timedelta(days=5)
    hearing = add_hearing(db, caseworker, person, soon, kind="trial", court="Branch 15")
    db.commit()
    login_as(client, caseworker)
    page = client.get(f"/staff/cases/{person.id}").get_data(as_text=True)
    action = f"/staff/cases/{person.id}/hearings/{hearing.id}/remove"
    assert "Branch 15" in page and f'action="{action}"' in page and "Remove this hearing" in page
    token = csrf_token_from(client, f"/staff/cases/{person.id}")
    # Without the CSRF token nothing happens.
    assert client.post(action).status_code == 400
    assert db.get(Hearing, hearing.id) is not None
    done = client.post(action, data={"csrf_token": token}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Hearing removed." in page
    assert "Branch 15" not in page and "None scheduled" in page
    db.expire_all()
    assert db.get(Hearing, hearing.id) is None
    assert _actions(db, person.id)["case.hearing_removed"].detail["on"] == soon.isoformat()
    board = client.get("/staff").get_data(as_text=True)
    assert f"hearing of {soon.isoformat()} removed" in board


def test_the_remove_control_speaks_the_staff_language(
    client: FlaskClient, caseworker: User, db: Any, person: Case, zanjan: Facility
) -> None:
    add_placement(db, caseworker, person, zanjan.id, dt.date(2019, 12, 1))
    db.commit()
    login_as(client, caseworker)
    page = client.get(f"/staff/cases/{person.id}?lang=fr").get_data(as_text=True)
    assert "Supprimer ce transfert" in page and "Remove this move" not in page


def test_a_viewer_sees_no_remove_control_and_cannot_post_one(
    client: FlaskClient, viewer: User, db: Any, person: Case, zanjan: Facility
) -> None:
    placement = add_placement(db, None, person, zanjan.id, dt.date(2019, 12, 1))
    db.commit()
    login_as(client, viewer)
    page = client.get(f"/staff/cases/{person.id}").get_data(as_text=True)
    assert "Remove…" not in page
    token = csrf_token_from(client, f"/staff/cases/{person.id}")
    answer = client.post(
        f"/staff/cases/{person.id}/placements/{placement.id}/remove", data={"csrf_token": token}
    )
    assert answer.status_code == 403
    db.expire_all()
    assert db.get(Case, person.id).facility_id == zanjan.id
