"""The addressee routes: list, create, read, edit with If-Match; roles, errors and the audit log."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import bearer
from tracker.models import Addressee, AuditEvent, User
from tracker.services.letters.editing import create_addressee

MINISTER = {
    "honorific": "H.E.",
    "name": "Nguyen Van A",
    "position": "Minister of Public Security",
    "institution": "Ministry of Public Security",
    "address_lines": ["44 Yet Kieu Street", "Hoan Kiem District", "Hanoi"],
    "country": "VN",
    "email": "minister@example.org",
    "salutation": "Dear Minister,",
    "language": "vi",
}


def _create(client: FlaskClient, token: str, **fields: Any) -> Any:
    return client.post("/api/v1/addressees", json={**MINISTER, **fields}, headers=bearer(token))


def _stored(db: Any, name: str, caseworker: User) -> Addressee:
    addressee = create_addressee(db, caseworker, {**MINISTER, "name": name})
    db.commit()
    return addressee


def test_create_addressee_returns_201_with_every_field_and_is_audited(
    client: FlaskClient, db: Any, caseworker: User, caseworker_token: str
) -> None:
    response = _create(client, caseworker_token)
    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in MINISTER} == MINISTER
    assert response.headers["ETag"] == f'"addressee-{body["id"]}-v{body["version"]}"'
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "addressee.create")).one()
    assert event.user_id == caseworker.id and event.entity_id == body["id"]


def test_create_addressee_without_name_or_country_is_422(
    client: FlaskClient, admin_token: str
) -> None:
    response = client.post(
        "/api/v1/addressees",
        json={"name": "   ", "email": "not-an-address"},
        headers=bearer(admin_token),
    )
    assert response.status_code == 422
    assert set(response.json["details"]["fields"]) == {"name", "country", "email"}


def test_create_addressee_with_an_unknown_field_is_422(
    client: FlaskClient, admin_token: str
) -> None:
    response = _create(client, admin_token, version=7)
    assert response.status_code == 422
    assert "version" in response.json["details"]["fields"]


def test_viewer_token_cannot_create_addressee(
    client: FlaskClient, db: Any, viewer_token: str
) -> None:
    response = _create(client, viewer_token)
    assert response.status_code == 403
    assert db.scalar(select(Addressee.id)) is None


def test_addressees_need_a_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/addressees").status_code == 401
    response = client.post("/api/v1/addressees", json=MINISTER)
    assert response.status_code == 401
    assert response.json["error"]


def test_list_addressees_pages_in_id_order(
    client: FlaskClient, db: Any, caseworker: User, viewer_token: str
) -> None:
    ids = [_stored(db, f"Official {n}", caseworker).id for n in range(3)]
    first = client.get("/api/v1/addressees?per_page=2", headers=bearer(viewer_token)).json
    second = client.get("/api/v1/addressees?per_page=2&page=2", headers=bearer(viewer_token)).json
    assert first["total"] == second["total"] == 3
    assert (first["page"], first["per_page"]) == (1, 2)
    assert [a["id"] for a in first["items"] + second["items"]] == ids
    assert first["items"][0]["address_lines"] == MINISTER["address_lines"]


def test_get_addressee_has_etag_and_unknown_id_is_404(
    client: FlaskClient, db: Any, caseworker: User, viewer_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    response = client.get(f"/api/v1/addressees/{addressee.id}", headers=bearer(viewer_token))
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"addressee-{addressee.id}-v{addressee.version}"'
    missing = client.get(f"/api/v1/addressees/{addressee.id + 1}", headers=bearer(viewer_token))
    assert missing.status_code == 404
    assert missing.json["error"]


def test_delete_addressee_is_405(
    client: FlaskClient, db: Any, caseworker: User, admin_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    response = client.delete(f"/api/v1/addressees/{addressee.id}", headers=bearer(admin_token))
    assert response.status_code == 405
    assert "PATCH" in response.headers["Allow"]


def test_patch_addressee_with_if_match_edits_and_audits(
    client: FlaskClient, db: Any, caseworker: User, admin: User, admin_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    url = f"/api/v1/addressees/{addressee.id}"
    etag = client.get(url, headers=bearer(admin_token)).headers["ETag"]
    response = client.patch(
        url,
        json={"salutation": "Your Excellency,", "address_lines": ["P.O. Box 1", "", "Hanoi"]},
        headers={**bearer(admin_token), "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.json["salutation"] == "Your Excellency,"
    assert response.json["address_lines"] == ["P.O. Box 1", "Hanoi"]
    assert response.headers["ETag"] != etag
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "addressee.update")).one()
    assert event.user_id == admin.id
    assert sorted(event.fields) == ["address_lines", "salutation"]


def test_patch_addressee_without_if_match_is_428(
    client: FlaskClient, db: Any, caseworker: User, admin_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    response = client.patch(
        f"/api/v1/addressees/{addressee.id}", json={"name": "X"}, headers=bearer(admin_token)
    )
    assert response.status_code == 428
    assert response.json["details"]["current_version"] == addressee.version


def test_patch_addressee_with_a_stale_etag_is_412(
    client: FlaskClient, db: Any, caseworker: User, admin_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    url = f"/api/v1/addressees/{addressee.id}"
    etag = client.get(url, headers=bearer(admin_token)).headers["ETag"]
    headers = {**bearer(admin_token), "If-Match": etag}
    assert client.patch(url, json={"name": "First"}, headers=headers).status_code == 200
    response = client.patch(url, json={"name": "Second"}, headers=headers)
    assert response.status_code == 412
    assert client.get(url, headers=bearer(admin_token)).json["name"] == "First"


def test_patch_addressee_with_a_blank_name_is_422(
    client: FlaskClient, db: Any, caseworker: User, admin_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    response = client.patch(
        f"/api/v1/addressees/{addressee.id}",
        json={"name": ""},
        headers={**bearer(admin_token), "If-Match": f'"addressee-{addressee.id}-v1"'},
    )
    assert response.status_code == 422
    assert "name" in response.json["details"]["fields"]


def test_viewer_token_cannot_edit_addressee(
    client: FlaskClient, db: Any, caseworker: User, viewer_token: str
) -> None:
    addressee = _stored(db, "Official", caseworker)
    response = client.patch(
        f"/api/v1/addressees/{addressee.id}",
        json={"name": "X"},
        headers={**bearer(viewer_token), "If-Match": f'"addressee-{addressee.id}-v1"'},
    )
    assert response.status_code == 403
