"""Two-factor sign-in: enrolment, the code step, recovery codes, disabling, admin reset,
REQUIRE_2FA, and the secret never leaving the server except on the enrolment page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token_from, login_as
from tests.web.test_auth import sign_in
from tracker.models import AuditEvent, RecoveryCode, User
from tracker.services.accounts import two_factor
from tracker.services.accounts.users import create_token

SECURITY = "/staff/account/security"
_URI_RE = re.compile(r'id="otpauth-uri">([^<]+)<')
_CODES_RE = re.compile(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>")


def _secret_from_page(html: str) -> str:
    match = _URI_RE.search(html)
    assert match, "no otpauth:// URI on the enrolment page"
    uri = match.group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/")
    return parse_qs(urlsplit(uri).query)["secret"][0]


def _post(client: FlaskClient, url: str, **data: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token_from(client, SECURITY), **data})


def _step_code(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current 30-second step (or a later one, as a second code)."""
    totp = pyotp.TOTP(secret)
    return totp.at(dt.datetime.now(dt.UTC), counter_offset=steps_ahead)


def enrol(client: FlaskClient, user: User) -> tuple[str, list[str]]:
    """Enrol `user` (signed in on `client`) and return the secret and the recovery codes."""
    page = client.get(SECURITY)
    assert page.status_code == 200
    secret = _secret_from_page(page.get_data(as_text=True))
    done = _post(client, SECURITY, code=_step_code(secret))
    assert done.status_code == 201, done.get_data(as_text=True)
    codes = _CODES_RE.findall(done.get_data(as_text=True))
    return secret, codes


@pytest.fixture
def enrolled(client: FlaskClient, caseworker: User, db: Any) -> dict[str, Any]:
    login_as(client, caseworker)
    secret, codes = enrol(client, caseworker)
    fresh = client.application.test_client()
    return {"secret": secret, "codes": codes, "client": fresh}


def test_enrolment_page_shows_the_otpauth_uri_and_a_qr_code_that_needs_no_script(
    client: FlaskClient, caseworker: User
) -> None:
    login_as(client, caseworker)
    page = client.get(SECURITY)
    html = page.get_data(as_text=True)
    secret = _secret_from_page(html)
    assert len(secret) == 32  # 160 bits
    assert "issuer=Tracker%20Human%20Rights" in html or "issuer=Tracker" in unquote(html)
    qr = re.search(r'<img class="qr-code" src="(data:image/svg\+xml[^"]+)"', html)
    assert qr, "the QR code is an inline SVG data: URI (allowed by img-src 'self' data:)"
    assert "<script" not in html.split("<main", 1)[-1]
    # Reloading keeps the same secret until it is confirmed (the app may have scanned it).
    assert _secret_from_page(client.get(SECURITY).get_data(as_text=True)) == secret
    assert page.headers["Cache-Control"] == "no-store"


def test_enrolment_needs_a_right_code_and_gives_ten_recovery_codes_stored_hashed(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    login_as(client, caseworker)
    secret = _secret_from_page(client.get(SECURITY).get_data(as_text=True))
    wrong = _post(client, SECURITY, code="000000" if _step_code(secret) != "000000" else "111111")
    assert wrong.status_code == 422
    assert "not valid" in wrong.get_data(as_text=True)
    db.expire_all()
    assert not db.get(User, caseworker.id).two_factor_enabled
    done = _post(client, SECURITY, code=_step_code(secret))
    assert done.status_code == 201
    codes = _CODES_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == caseworker.id))
    stored = set(stored)
    assert len(stored) == 10
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    # Shown once: the page afterwards has neither the codes nor the secret.
    later = client.get(SECURITY).get_data(as_text=True)
    assert not _CODES_RE.findall(later) and secret not in later and "otpauth://" not in later
    assert "10 of 10 recovery codes left" in later


def test_sign_in_asks_for_the_code_after_the_password(
    enrolled: dict[str, Any], db: Any, caseworker: User
) -> None:
    client = enrolled["client"]
    first = sign_in(client, "caseworker@example.org", PASSWORD, next_url="/staff/cases")
    assert first.status_code == 302 and first.headers["Location"] == "/login/code"
    # Not signed in yet: the password alone opens nothing.
    assert client.get("/staff").status_code == 302
    token = csrf_token_from(client, "/login/code")
    wrong = client.post("/login/code", data={"csrf_token": token, "code": "12345x"})
    assert wrong.status_code == 200 and "not valid" in wrong.get_data(as_text=True)
    code = _step_code(enrolled["secret"], steps_ahead=1)  # a fresh step (enrolment used one)
    done = client.post("/login/code", data={"csrf_token": token, "code": code})
    assert done.status_code == 302 and done.headers["Location"] == "/staff/cases"
    assert client.get("/staff").status_code == 200
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == caseworker.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-1] == "auth.login"
    failed = db.scalars(select(AuditEvent).where(AuditEvent.action == "auth.code_failed")).one()
    assert "12345x" not in str(failed.detail)


def test_a_replayed_totp_is_refused(enrolled: dict[str, Any], app: Flask) -> None:
    code = _step_code(enrolled["secret"], steps_ahead=1)
    first = enrolled["client"]
    sign_in(first, "caseworker@example.org", PASSWORD)
    token = csrf_token_from(first, "/login/code")
    assert first.post("/login/code", data={"csrf_token": token, "code": code}).status_code == 302
    # The same code, seconds later, by someone who watched it being typed.
    second = app.test_client()
    sign_in(second, "caseworker@example.org", PASSWORD)
    token = csrf_token_from(second, "/login/code")
    again = second.post("/login/code", data={"csrf_token": token, "code": code})
    assert again.status_code == 200 and "not valid" in again.get_data(as_text=True)
    assert second.get("/staff").status_code == 302


def test_a_recovery_code_signs_in_once(enrolled: dict[str, Any], app: Flask, db: Any) -> None:
    recovery = enrolled["codes"][3]
    for attempt, expected in ((recovery.upper().replace("-", " "), 302), (recovery, 200)):
        client = app.test_client()
        sign_in(client, "caseworker@example.org", PASSWORD)
        token = csrf_token_from(client, "/login/code")
        response = client.post("/login/code", data={"csrf_token": token, "code": attempt})
        assert response.status_code == expected
    used = db.scalars(select(AuditEvent).where(AuditEvent.action == "auth.recovery_code_used"))
    assert [e.detail for e in used] == [{"remaining": 9}]


def test_the_code_step_expires_and_needs_the_password_first(app: Flask, enrolled: dict) -> None:
    client = app.test_client()
    assert client.get("/login/code").status_code == 302
    sign_in(client, "caseworker@example.org", PASSWORD)
    with client.session_transaction() as sess:
        pending = dict(sess["_2fa_pending"])
        pending["at"] -= 301
        sess["_2fa_pending"] = pending
    assert client.get("/login/code").headers["Location"] == "/login"


def test_disable_and_regenerate_need_a_code(client: FlaskClient, db: Any, caseworker: User) -> None:
    login_as(client, caseworker)
    _secret, codes = enrol(client, caseworker)
    refused = _post(client, SECURITY + "/disable", **{"off-code": "999999"})
    assert refused.status_code == 422
    new = _post(client, SECURITY + "/recovery-codes", **{"new-code": codes[0]})
    assert new.status_code == 201
    fresh = _CODES_RE.findall(new.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    # The old codes are gone; a new one turns two-factor sign-in off.
    assert _post(client, SECURITY + "/disable", **{"off-code": codes[1]}).status_code == 422
    off = _post(client, SECURITY + "/disable", **{"off-code": fresh[0]})
    assert off.status_code == 302
    db.expire_all()
    user = db.get(User, caseworker.id)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert db.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("auth.%"))).all()
    assert {"auth.2fa_enrol", "auth.recovery_codes_regenerate", "auth.2fa_disable"} <= set(actions)


def test_admin_resets_a_users_two_factor_and_signs_them_out(
    app: Flask, client: FlaskClient, db: Any, admin: User, caseworker: User
) -> None:
    own = app.test_client()
    login_as(own, caseworker)
    enrol(own, caseworker)
    login_as(client, admin)
    page = client.get(f"/staff/users/{caseworker.id}").get_data(as_text=True)
    assert "Reset two-factor sign-in" in page
    token = csrf_token_from(client, f"/staff/users/{caseworker.id}")
    reset = client.post(
        f"/staff/users/{caseworker.id}/two-factor/reset", data={"csrf_token": token}
    )
    assert reset.status_code == 302
    assert own.get("/staff").status_code == 302  # signed out
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "auth.2fa_reset")).one()
    assert event.user_id == admin.id and event.entity_id == caseworker.id
    # The password alone signs in again.
    assert (
        sign_in(app.test_client(), "caseworker@example.org", PASSWORD).headers["Location"]
        == "/staff"
    )
    audit_page = client.get("/staff/audit").get_data(as_text=True)
    assert "auth.2fa_reset" in audit_page and "auth.2fa_enrol" in audit_page


def test_require_2fa_sends_users_without_it_to_enrol_first(
    app: Flask, client: FlaskClient, caseworker: User, viewer_token: str, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)
    login_as(client, caseworker)
    for url in ("/staff", "/staff/cases", "/staff/users", f"/staff/users/{caseworker.id}"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == SECURITY
    assert client.get(SECURITY).status_code == 200
    # The API keeps working with its tokens: two-factor sign-in is for the staff site.
    api = client.application.test_client()
    assert (
        api.get("/api/v1/cases", headers={"Authorization": f"Bearer {viewer_token}"}).status_code
        == 200
    )
    enrol(client, caseworker)
    assert client.get("/staff").status_code == 200


@pytest.fixture
def viewer_token(db: Any, viewer: User) -> str:
    token = create_token(db, None, viewer, "tests")
    db.commit()
    return token


def test_the_secret_never_leaves_the_server_except_on_the_enrolment_page(
    client: FlaskClient, db: Any, caseworker: User, admin: User
) -> None:
    login_as(client, caseworker)
    secret, codes = enrol(client, caseworker)
    login_as(client, admin)
    seen = "".join(
        client.get(url).get_data(as_text=True)
        for url in (
            "/staff",
            "/staff/users",
            f"/staff/users/{caseworker.id}",
            "/staff/audit",
            "/api/v1/openapi.json",
        )
    )
    for value in (secret, *codes, *(c.replace("-", "") for c in codes)):
        assert value not in seen
    for event in db.scalars(select(AuditEvent)):
        assert secret not in str(event.detail)


def test_use_code_accepts_the_neighbouring_step_only(db: Any, caseworker: User) -> None:
    two_factor.start_enrolment(db, caseworker)
    secret = caseworker.totp_secret
    assert secret is not None
    now = dt.datetime.now(dt.UTC)
    totp = pyotp.TOTP(secret)
    two_factor.confirm_enrolment(db, caseworker, totp.at(now), now)
    assert two_factor.use_code(db, caseworker, totp.at(now, counter_offset=-1), now) is None
    assert two_factor.use_code(db, caseworker, totp.at(now, counter_offset=3), now) is None
    assert two_factor.use_code(db, caseworker, totp.at(now, counter_offset=1), now) == "totp"


def test_wrong_codes_from_many_addresses_slow_down_the_code_step(
    enrolled: dict[str, Any], app: Flask
) -> None:
    """Only someone who knows the password reaches the code step; 10 wrong codes from any
    addresses make it wait, so six digits cannot be guessed from many machines at once."""
    for i in range(10):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{i + 1}"
        sign_in(client, "caseworker@example.org", PASSWORD)
        token = csrf_token_from(client, "/login/code")
        assert client.post(
            "/login/code", data={"csrf_token": token, "code": "000000"}
        ).status_code in (200, 429)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    sign_in(client, "caseworker@example.org", PASSWORD)
    token = csrf_token_from(client, "/login/code")
    code = _step_code(enrolled["secret"], steps_ahead=1)
    response = client.post("/login/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 429 and "Wait 15 minutes" in response.get_data(as_text=True)
