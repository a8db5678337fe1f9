"""Sign-in, sign-out, the sign-in limit, open redirects and sign-in auditing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token_from, login_as
from tracker.models import AuditEvent, FailedLogin, User


def sign_in(client: FlaskClient, email: str, password: str, next_url: str = "", **extra: Any):
    token = csrf_token_from(client, "/login")
    data = {"csrf_token": token, "email": email, "password": password, "next": next_url, **extra}
    return client.post("/login", data=data)


def test_sign_in_with_email_and_password(client: FlaskClient, caseworker: User) -> None:
    response = sign_in(client, "Caseworker@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff"
    assert client.get("/staff").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: FlaskClient, caseworker: User
) -> None:
    wrong = sign_in(client, "caseworker@example.org", "not-the-password-1").get_data(as_text=True)
    unknown = sign_in(client, "nobody@example.org", "not-the-password-1").get_data(as_text=True)
    assert "do not match an active account" in wrong
    assert "do not match an active account" in unknown
    assert client.get("/staff").status_code == 302


def test_sign_in_audited_without_the_password(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    sign_in(client, "caseworker@example.org", "wrong-password-xyz")
    sign_in(client, "caseworker@example.org", PASSWORD)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action.like("auth.%"))).all()
    actions = [e.action for e in events]
    assert actions == ["auth.login_failed", "auth.login"]
    assert events[1].user_id == caseworker.id
    assert events[0].detail == {"email": "caseworker@example.org", "address": "127.0.0.1"}
    for event in events:
        assert "wrong-password-xyz" not in str(event.detail)
        assert PASSWORD not in str(event.detail)


def test_sign_in_limit_locks_after_ten_failures_in_fifteen_minutes(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    for _ in range(9):
        assert sign_in(client, "caseworker@example.org", "wrong-password-xyz").status_code == 200
    tenth = sign_in(client, "caseworker@example.org", "wrong-password-xyz")
    assert tenth.status_code == 429
    assert "Wait 15 minutes" in tenth.get_data(as_text=True)
    # Even the right password waits now.
    locked = sign_in(client, "caseworker@example.org", PASSWORD)
    assert locked.status_code == 429
    assert client.get("/staff").status_code == 302
    # An unknown email gets the same message: the limit does not reveal who has an account.
    for _ in range(10):
        last = sign_in(client, "ghost@example.org", "wrong-password-xyz")
    assert last.status_code == 429
    assert "Wait 15 minutes" in last.get_data(as_text=True)


def test_sign_in_limit_lifts_after_fifteen_minutes(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    for i in range(10):
        db.add(
            FailedLogin(
                email="caseworker@example.org",
                address="127.0.0.1",
                at=long_ago + dt.timedelta(seconds=i),
            )
        )
    db.flush()
    assert sign_in(client, "caseworker@example.org", PASSWORD).status_code == 302


def test_sign_out_cookie_replay_is_refused(client: FlaskClient, caseworker: User) -> None:
    sign_in(client, "caseworker@example.org", PASSWORD, remember="y")
    assert client.get("/staff").status_code == 200
    captured = {c.key: c.value for c in client._cookies.values()}
    assert "session" in captured and "remember_token" in captured
    token = csrf_token_from(client, "/staff")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff").status_code == 302
    # Replay both cookies as they were before sign-out.
    for key, value in captured.items():
        client.set_cookie(key, value)
    response = client.get("/staff")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivation_signs_the_user_out(
    client: FlaskClient, app: Any, db: Any, admin: User, viewer: User
) -> None:
    other = app.test_client()
    login_as(other, viewer)
    assert other.get("/staff").status_code == 200
    login_as(client, admin)
    token = csrf_token_from(client, f"/staff/users/{viewer.id}")
    response = client.post(f"/staff/users/{viewer.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert other.get("/staff").status_code == 302
    assert sign_in(app.test_client(), "viewer@example.org", PASSWORD).status_code == 200


def test_logout_is_post_only(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    assert client.get("/logout").status_code == 405
    assert client.get("/staff").status_code == 200


HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "http://evil.example/",
    "https://evil.example/staff",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%252F%252Fevil.example",
    "/\tevil.example",
    "/\x00//evil.example",
    " //evil.example",
    "evil.example",
    "staff",
    "//evil.example@127.0.0.1/",
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_next_never_leads_off_site(client: FlaskClient, caseworker: User, hostile: str) -> None:
    response = sign_in(client, "caseworker@example.org", PASSWORD, next_url=hostile)
    if "\x00" in hostile:
        # A NUL is refused before any view runs (tracker/web/nul_guard.py): no redirect at all.
        assert response.status_code == 400
        assert "Location" not in response.headers
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff"
    # The GET form does not carry a hostile value either.
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/staff")})
    page = client.get("/login", query_string={"next": hostile}).get_data(as_text=True)
    assert "evil.example" not in page


def test_next_leads_to_a_path_on_this_site(client: FlaskClient, caseworker: User) -> None:
    response = sign_in(client, "caseworker@example.org", PASSWORD, next_url="/staff/cases?q=nga")
    assert response.headers["Location"] == "/staff/cases?q=nga"


def test_anonymous_staff_page_redirects_to_sign_in_with_next(client: FlaskClient) -> None:
    response = client.get("/staff/cases?status=detained")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
