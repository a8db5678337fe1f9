"""Bearer tokens: who may call the API, and with which role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import bearer
from tests.conftest import login_as
from tracker.models import ApiToken, Case, User
from tracker.services.accounts.users import hash_token, revoke_token

URLS = ("/api/v1/cases", "/api/v1/cases/1", "/api/v1/cases/1/history")


def test_requests_without_a_token_are_401_with_www_authenticate(client: FlaskClient) -> None:
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.is_json and response.json["error"]
    response = client.post("/api/v1/cases", json={})
    assert response.status_code == 401


def test_invalid_or_revoked_tokens_are_401(
    client: FlaskClient, db: Any, admin: User, admin_token: str
) -> None:
    for header in ("Bearer trk_nope", "Basic YWRtaW46YWRtaW4=", "Bearer", admin_token):
        response = client.get("/api/v1/cases", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert "Bearer" in response.headers["WWW-Authenticate"]
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(admin_token)))
    revoke_token(db, admin, row.id)
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(admin_token)).status_code == 401


def test_token_of_an_inactive_user_is_401(
    client: FlaskClient, db: Any, admin: User, admin_token: str
) -> None:
    admin.active = False
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(admin_token)).status_code == 401


def test_api_refuses_session_cookie_without_token(
    client: FlaskClient, db: Any, admin: User
) -> None:
    """The API is CSRF-exempt only because it never trusts the sign-in cookie."""
    login_as(client, admin)
    assert client.get("/api/v1/cases").status_code == 401
    response = client.post(
        "/api/v1/cases",
        json={"reference": "X-1", "full_name": "X", "country": "VN", "category": "other"},
    )
    assert response.status_code == 401
    assert "cookie" in response.json["error"]
    assert db.scalar(select(Case).where(Case.reference == "X-1")) is None


def test_viewer_token_cannot_write(
    client: FlaskClient, db: Any, viewer_token: str, nga: Case
) -> None:
    assert client.get("/api/v1/cases", headers=bearer(viewer_token)).status_code == 200
    writes = [
        client.post(
            "/api/v1/cases",
            json={"reference": "X-1", "full_name": "X", "country": "VN", "category": "other"},
            headers=bearer(viewer_token),
        ),
        client.patch(
            f"/api/v1/cases/{nga.id}",
            json={"summary": "x"},
            headers={**bearer(viewer_token), "If-Match": f'"case-{nga.id}-v1"'},
        ),
        client.post(
            f"/api/v1/cases/{nga.id}/status",
            json={"status": "charged", "effective_on": "2018-01-01"},
            headers=bearer(viewer_token),
        ),
    ]
    assert [w.status_code for w in writes] == [403, 403, 403]
    assert all(w.json["error"] for w in writes)
    db.expire_all()
    assert db.get(Case, nga.id).status == "detained"


def test_last_used_at_is_recorded_but_not_on_every_request(
    client: FlaskClient, db: Any, admin_token: str
) -> None:
    def last_used() -> dt.datetime | None:
        db.expire_all()
        row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(admin_token)))
        return row.last_used_at

    assert last_used() is None
    client.get("/api/v1/cases", headers=bearer(admin_token))
    first = last_used()
    assert first is not None
    client.get("/api/v1/cases", headers=bearer(admin_token))
    assert last_used() == first


def test_finding_9_reactivating_a_user_does_not_revive_their_api_tokens(
    client: FlaskClient, db: Any, admin: User, viewer: User, viewer_token: str
) -> None:
    from tracker.services.accounts.users import create_token, deactivate, reactivate

    assert client.get("/api/v1/cases", headers=bearer(viewer_token)).status_code == 200
    deactivate(db, admin, viewer)
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(viewer_token)).status_code == 401
    reactivate(db, admin, viewer)
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(viewer_token)).status_code == 401
    rows = db.scalars(select(ApiToken).where(ApiToken.user_id == viewer.id)).all()
    assert rows and all(row.revoked_at is not None for row in rows)
    # A token made after reactivation works: the admin decides, on purpose.
    fresh = create_token(db, admin, viewer, "after reactivation")
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(fresh)).status_code == 200


def test_finding_9_tokens_of_users_deactivated_before_the_fix_are_revoked_on_reactivation(
    client: FlaskClient, db: Any, admin: User, viewer: User, viewer_token: str
) -> None:
    from tracker.services.accounts.users import reactivate

    viewer.active = False  # as an older version left it: inactive, token not revoked
    db.commit()
    reactivate(db, admin, viewer)
    db.commit()
    assert client.get("/api/v1/cases", headers=bearer(viewer_token)).status_code == 401
