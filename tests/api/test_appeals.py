"""The appeal routes: create on a case, list, read, edit with If-Match; templates and errors."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.api.conftest import bearer
from tracker.models import Addressee, Appeal, AuditEvent, Case, User
from tracker.services.letters.editing import create_addressee, create_appeal, create_campaign

APPEAL = {
    "kind": "appeal",
    "language": "en",
    "subject": "Release {{ case.name }}",
    "body": "{{ addressee.salutation }}\n\nI write about {{ case.name }} of {{ case.country }}.",
    "asks": ["Release her at once", "Let her see her family"],
    "deadline": "2099-12-31",
    "status": "draft",
}


def _addressee(db: Any, actor: User, name: str) -> Addressee:
    addressee = create_addressee(
        db, actor, {"name": name, "country": "VN", "salutation": f"Dear {name},"}
    )
    db.commit()
    return addressee


def _appeal(db: Any, actor: User, case: Case, **fields: Any) -> Appeal:
    appeal = create_appeal(db, actor, case, {**APPEAL, **fields})
    db.commit()
    return appeal


def _post(client: FlaskClient, token: str, case_id: int, **fields: Any) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/appeals", json={**APPEAL, **fields}, headers=bearer(token)
    )


def test_create_appeal_returns_201_with_every_field_and_is_audited(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, caseworker_token: str
) -> None:
    to = _addressee(db, caseworker, "Minister")
    copies = [_addressee(db, caseworker, f"Copy {n}") for n in range(2)]
    create_campaign(db, caseworker, {"name": "Free them all", "slug": "free-them-all"})
    db.commit()
    response = _post(
        client,
        caseworker_token,
        nga.id,
        addressee_id=to.id,
        copies_to=[copies[1].id, copies[0].id],
        campaign="free-them-all",
    )
    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in APPEAL} == APPEAL
    assert body["case_id"] == nga.id
    assert body["addressee_id"] == to.id
    assert body["copies_to"] == [copies[1].id, copies[0].id]  # in the order given
    assert body["campaign"] == "free-them-all"
    assert body["pdf_url"] is None  # a draft has no public letter
    assert response.headers["ETag"] == f'"appeal-{body["id"]}-v{body["version"]}"'
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "appeal.create")).one()
    assert event.user_id == caseworker.id and event.entity_id == body["id"]


def test_template_error_in_body_is_422_with_the_message(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = _post(client, admin_token, nga.id, body="Dear {{ case.name ")
    assert response.status_code == 422
    messages = response.json["details"]["fields"]["body"]
    assert messages and messages[0]
    assert response.json["error"].startswith("body:")


def test_unknown_placeholder_in_subject_is_422(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = _post(client, admin_token, nga.id, subject="{{ case.internal_notes }}")
    assert response.status_code == 422
    assert "subject" in response.json["details"]["fields"]


def test_unknown_addressee_or_campaign_is_422(
    client: FlaskClient, db: Any, nga: Case, admin_token: str
) -> None:
    response = _post(client, admin_token, nga.id, addressee_id=999, copies_to=[998])
    assert response.status_code == 422
    assert set(response.json["details"]["fields"]) == {"addressee_id", "copies_to"}
    response = _post(client, admin_token, nga.id, campaign="no-such-campaign")
    assert response.status_code == 422
    assert "campaign" in response.json["details"]["fields"]
    assert db.scalar(select(Appeal.id)) is None


def test_invalid_appeal_fields_are_422(client: FlaskClient, nga: Case, admin_token: str) -> None:
    response = _post(
        client, admin_token, nga.id, kind="petition", status="open", language="english!", x=1
    )
    assert response.status_code == 422
    assert {"kind", "status", "language", "x"} <= set(response.json["details"]["fields"])


def test_appeal_on_an_unknown_case_is_404(client: FlaskClient, admin_token: str) -> None:
    assert _post(client, admin_token, 4242).status_code == 404


def test_viewer_token_cannot_create_appeal(
    client: FlaskClient, db: Any, nga: Case, viewer_token: str
) -> None:
    assert _post(client, viewer_token, nga.id).status_code == 403
    assert db.scalar(select(Appeal.id)) is None


def test_appeals_need_a_token(client: FlaskClient, db: Any, nga: Case, caseworker: User) -> None:
    appeal = _appeal(db, caseworker, nga)
    assert client.get(f"/api/v1/appeals/{appeal.id}").status_code == 401
    assert client.post(f"/api/v1/cases/{nga.id}/appeals", json=APPEAL).status_code == 401


def test_get_appeal_has_etag_and_unknown_id_is_404(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, viewer_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    response = client.get(f"/api/v1/appeals/{appeal.id}", headers=bearer(viewer_token))
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"appeal-{appeal.id}-v{appeal.version}"'
    assert response.json["asks"] == APPEAL["asks"]
    missing = client.get(f"/api/v1/appeals/{appeal.id + 1}", headers=bearer(viewer_token))
    assert missing.status_code == 404


def test_list_appeals_of_a_case_in_id_order(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, viewer_token: str
) -> None:
    ids = [_appeal(db, caseworker, nga, subject=f"Letter {n}").id for n in range(3)]
    response = client.get(f"/api/v1/cases/{nga.id}/appeals", headers=bearer(viewer_token))
    assert [a["id"] for a in response.json["items"]] == ids
    assert client.get("/api/v1/cases/4242/appeals", headers=bearer(viewer_token)).status_code == 404


def test_delete_appeal_is_405(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    response = client.delete(f"/api/v1/appeals/{appeal.id}", headers=bearer(admin_token))
    assert response.status_code == 405
    assert "PATCH" in response.headers["Allow"]


def test_patch_appeal_with_if_match_edits_grows_version_and_audits(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin: User, admin_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    url = f"/api/v1/appeals/{appeal.id}"
    before = client.get(url, headers=bearer(admin_token))
    response = client.patch(
        url,
        json={"asks": ["Release her"], "kind": "solidarity"},
        headers={**bearer(admin_token), "If-Match": before.headers["ETag"]},
    )
    assert response.status_code == 200
    assert response.json["asks"] == ["Release her"]
    assert response.json["kind"] == "solidarity"
    assert response.json["version"] > before.json["version"]
    assert response.headers["ETag"] == f'"appeal-{appeal.id}-v{response.json["version"]}"'
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "appeal.update")).one()
    assert event.user_id == admin.id
    assert sorted(event.fields) == ["asks", "kind"]


def test_patch_appeal_without_if_match_is_428(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    response = client.patch(
        f"/api/v1/appeals/{appeal.id}", json={"subject": "New"}, headers=bearer(admin_token)
    )
    assert response.status_code == 428


def test_patch_appeal_with_a_stale_etag_is_412(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    url = f"/api/v1/appeals/{appeal.id}"
    headers = {
        **bearer(admin_token),
        "If-Match": client.get(url, headers=bearer(admin_token)).headers["ETag"],
    }
    assert client.patch(url, json={"subject": "First"}, headers=headers).status_code == 200
    response = client.patch(url, json={"subject": "Second"}, headers=headers)
    assert response.status_code == 412
    now = client.get(url, headers=bearer(admin_token)).json
    assert now["subject"] == "First"
    assert response.json["details"]["current_version"] == now["version"]


def test_patch_appeal_with_a_template_error_is_422_and_changes_nothing(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    url = f"/api/v1/appeals/{appeal.id}"
    etag = client.get(url, headers=bearer(admin_token)).headers["ETag"]
    response = client.patch(
        url,
        json={"body": "{% for x in range(10**9) %}{{ x }}{% endfor %}"},
        headers={**bearer(admin_token), "If-Match": etag},
    )
    assert response.status_code == 422
    assert response.json["details"]["fields"]["body"]
    assert client.get(url, headers=bearer(admin_token)).headers["ETag"] == etag


def test_viewer_token_cannot_edit_appeal(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, viewer_token: str
) -> None:
    appeal = _appeal(db, caseworker, nga)
    response = client.patch(
        f"/api/v1/appeals/{appeal.id}",
        json={"subject": "X"},
        headers={**bearer(viewer_token), "If-Match": f'"appeal-{appeal.id}-v{appeal.version}"'},
    )
    assert response.status_code == 403


def test_pdf_url_of_an_active_public_appeal_serves_the_letter(
    client: FlaskClient, db: Any, nga: Case, caseworker: User, admin_token: str
) -> None:
    nga.is_public = nga.consent_publicity = True
    db.commit()
    to = _addressee(db, caseworker, "Minister")
    response = _post(client, admin_token, nga.id, status="active", addressee_id=to.id)
    pdf_url = response.json["pdf_url"]
    assert pdf_url == f"/cases/{nga.slug}/letters/{response.json['id']}.pdf"
    letter = client.get(pdf_url)
    assert letter.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.data)).pages)
    assert "Tran Thi Nga" in text and "Dear Minister," in text


def test_pdf_url_is_null_when_the_case_is_not_public(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = _post(client, admin_token, nga.id, status="active")
    assert response.status_code == 201
    assert response.json["pdf_url"] is None


def test_a_write_without_a_body_is_400(client: FlaskClient, nga: Case, admin_token: str) -> None:
    response = client.post(f"/api/v1/cases/{nga.id}/appeals", headers=bearer(admin_token))
    assert response.status_code == 400
    assert "JSON body" in response.json["error"]
