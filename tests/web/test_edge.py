"""Finding 12 and the web edge: ProxyFix with a configured number of proxies, HSTS and the
security headers from Flask-Talisman, and cookie flags from configuration."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, make_app
from tests.public.conftest import World
from tests.public.conftest import world as world  # the fixture, for the letter limit test
from tracker.models import AuditEvent, User

_TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def make(database_url: str, instance_dir: Path, db: Any) -> Iterator[Any]:
    """Another app on the test database with extra configuration (as an operator sets it)."""
    made: list[Flask] = []

    def build(**config: Any) -> Flask:
        application = make_app(database_url, str(instance_dir), **config)
        application.config["PDF_CACHE_DIR"] = str(instance_dir / "pdf-cache-edge")
        made.append(application)
        return application

    yield build


def _sign_in(client: FlaskClient, base_url: str = "http://localhost", **environ: Any) -> Any:
    page = client.get("/login", base_url=base_url, environ_base=environ)
    token = _TOKEN_RE.search(page.get_data(as_text=True))
    assert token, page.status_code
    return client.post(
        "/login",
        base_url=base_url,
        environ_base=environ,
        data={
            "csrf_token": token.group(1),
            "email": "caseworker@example.org",
            "password": PASSWORD,
            "remember": "y",
        },
        headers={"Referer": f"{base_url}/login"},
    )


def _audited_address(db: Any) -> str:
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login").order_by(AuditEvent.id.desc())
    ).first()
    return str(event.detail["address"])


def test_finding_12_proxy_count_makes_the_forwarded_address_the_client(
    make: Any, db: Any, caseworker: User
) -> None:
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    direct = make(PROXY_COUNT=0).test_client()
    assert _sign_in(direct, **forwarded).status_code == 302
    # Without a configured proxy, the header is a client's claim and is ignored.
    assert _audited_address(db) == "10.0.0.2"
    proxied = make(PROXY_COUNT=1).test_client()
    assert _sign_in(proxied, **forwarded).status_code == 302
    assert _audited_address(db) == "203.0.113.9"
    # A client that forges a longer chain still gets the address the proxy saw.
    forged = {**forwarded, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.10"}
    assert _sign_in(make(PROXY_COUNT=1).test_client(), **forged).status_code == 302
    assert _audited_address(db) == "203.0.113.10"


def test_finding_12_letter_rate_limit_keys_on_each_supporter_behind_the_proxy(
    make: Any, world: World
) -> None:
    app = make(PROXY_COUNT=1, LETTER_RATE_LIMIT=1)
    url = f"/cases/{world.public.slug}/letters/{world.appeal.id}"

    def post(address: str) -> int:
        client = app.test_client()
        environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": address}
        page = client.get(url, environ_base=environ).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token
        data = {"csrf_token": token.group(1), "name": "A Supporter", "address": "Street 1"}
        return client.post(url + ".pdf", data=data, environ_base=environ).status_code

    assert post("203.0.113.1") == 200
    assert post("203.0.113.1") == 429
    # Another supporter behind the same proxy has a bucket of their own.
    assert post("203.0.113.2") == 200


def test_finding_12_hsts_and_security_headers_from_talisman(client: FlaskClient) -> None:
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers  # meaningless over http
    secure = client.get("/", base_url="https://localhost")
    hsts = secure.headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")
    for response in (plain, secure):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_finding_12_https_setting_marks_cookies_secure_and_redirects_plain_http(
    make: Any, caseworker: User
) -> None:
    app = make(HTTPS=True)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    redirect = client.get("/staff/cases?q=x")
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == "https://localhost/staff/cases?q=x"
    response = _sign_in(client, base_url="https://localhost")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_finding_12_behind_a_tls_proxy_the_scheme_is_seen(make: Any, caseworker: User) -> None:
    app = make(PROXY_COUNT=1, HTTPS=True)
    client = app.test_client()
    environ = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    page = client.get("/login", environ_base=environ)
    assert page.status_code == 200  # no redirect loop: the proxy said https
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_finding_14_only_the_docs_page_allows_inline_styles(client: FlaskClient) -> None:
    docs = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in docs
    assert "script-src 'self';" in docs and "font-src 'self'" in docs
    for url in ("/", "/login", "/api/v1/openapi.json"):
        assert "'unsafe-inline'" not in client.get(url).headers["Content-Security-Policy"]


def test_user_changes_and_sign_ins_are_on_the_admin_audit_page(
    client: FlaskClient, db: Any, admin: User, viewer: User
) -> None:
    from tests.conftest import login_as
    from tracker.services.accounts import users

    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.44"
    _sign_in_as(other, "viewer@example.org", "not-the-password")
    _sign_in_as(other, "viewer@example.org", PASSWORD)
    users.change_role(db, admin, viewer, "caseworker")
    users.set_password(db, admin, viewer, "another-long-passphrase-9")
    token = users.create_token(db, admin, viewer, "script")
    users.deactivate(db, admin, viewer)
    users.reactivate(db, admin, viewer)
    db.commit()
    login_as(client, admin)
    page = client.get("/staff/audit").get_data(as_text=True)
    for action in (
        "auth.login_failed",
        "auth.login",
        "user.role",
        "user.password",
        "token.create",
        "user.deactivate",
        "user.reactivate",
    ):
        assert f'<span title="{action}">' in page, action
    assert "203.0.113.44" in page
    for secret in ("not-the-password", PASSWORD, "another-long-passphrase-9", token):
        assert secret not in page


def _sign_in_as(client: FlaskClient, email: str, password: str) -> Any:
    page = client.get("/login")
    token = _TOKEN_RE.search(page.get_data(as_text=True))
    assert token
    data = {"csrf_token": token.group(1), "email": email, "password": password}
    return client.post("/login", data=data)
