"""Roles on every staff route, CSRF on every POST, and the security headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login_as
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import Case, Job, User
from tracker.services.accounts.users import create_token
from tracker.services.custody.facilities import create_facility
from tracker.services.letters.editing import create_campaign

# Every staff page, and who may open it: the answer for anonymous, viewer, caseworker, admin.
SIGN_IN, FORBIDDEN, OK = "sign-in", 403, 200
READ = (SIGN_IN, OK, OK, OK)
EDIT = (SIGN_IN, FORBIDDEN, OK, OK)
ADMIN = (SIGN_IN, FORBIDDEN, FORBIDDEN, OK)
# A job is seen by who started it and by admins; to anyone else it does not exist.
NOT_YOURS = (SIGN_IN, 404, 404, OK)
NO_RESULT = (SIGN_IN, 404, 404, 404)
# The staff copy of a case's photo, for a case without one: staff learn there is none.
NO_PHOTO = (SIGN_IN, 404, 404, 404)
ROUTE_TABLE: dict[str, tuple[Any, ...]] = {
    "/staff": READ,
    "/staff/cases": READ,
    "/staff/cases?q=nga&status=sentenced&sort=name&page=1": READ,
    "/staff/cases/new": EDIT,
    "/staff/cases/{case}": READ,
    "/staff/cases/{case}/edit": EDIT,
    "/staff/cases/{case}/status": EDIT,
    "/staff/users": ADMIN,
    "/staff/users/{user}": ADMIN,
    "/staff/audit": ADMIN,
    "/staff/audit?user={user}&case={case}": ADMIN,
    "/staff/reports/releases/": READ,
    "/staff/reports/releases/{year}": READ,
    "/staff/reports/releases/{year}.pdf": READ,
    "/staff/reports/releases/{year}.csv": READ,
    "/staff/addressees": READ,
    "/staff/addressees/new": EDIT,
    "/staff/addressees/{addressee}/edit": EDIT,
    "/staff/campaigns": READ,
    "/staff/campaigns/new": EDIT,
    "/staff/campaigns/{campaign}": READ,
    "/staff/campaigns/{campaign}/edit": EDIT,
    "/staff/jobs": READ,
    "/staff/jobs/{job}": NOT_YOURS,
    "/staff/jobs/{job}/result": NO_RESULT,
    "/staff/cases/{case}/appeals/new": EDIT,
    "/staff/appeals/{appeal}": READ,
    "/staff/appeals/{appeal}/edit": EDIT,
    "/staff/appeals/{appeal}/letter.pdf": READ,
    "/staff/account/security": READ,
    "/staff/facilities": READ,
    "/staff/facilities?q=zanjan&country=IR": READ,
    "/staff/facilities/new": EDIT,
    "/staff/facilities/{facility}": READ,
    "/staff/facilities/{facility}/edit": EDIT,
    "/staff/cases/{case}/placements/new": EDIT,
    "/staff/cases/{case}/hearings/new": EDIT,
    "/staff/cases/{case}/letter-reports/new": EDIT,
    "/staff/cases/{case}/photo": NO_PHOTO,
}
# Every state-changing staff route, with the role it needs.
POST_TABLE: dict[str, tuple[Any, ...]] = {
    "/staff/cases/new": EDIT,
    "/staff/cases/{case}/edit": EDIT,
    "/staff/cases/{case}/status": EDIT,
    "/staff/users": ADMIN,
    "/staff/users/{user}/role": ADMIN,
    "/staff/users/{user}/deactivate": ADMIN,
    "/staff/users/{user}/reactivate": ADMIN,
    "/staff/users/{user}/password": ADMIN,
    "/staff/users/{user}/two-factor/reset": ADMIN,
    "/staff/users/{user}/tokens": ADMIN,
    "/staff/tokens/{token}/revoke": ADMIN,
    "/staff/addressees/new": EDIT,
    "/staff/addressees/{addressee}/edit": EDIT,
    "/staff/campaigns/new": EDIT,
    "/staff/campaigns/{campaign}/edit": EDIT,
    "/staff/campaigns/{campaign}/pack": READ,
    "/staff/reports/releases/{year}/pdf": READ,
    "/staff/cases/{case}/appeals/new": EDIT,
    "/staff/appeals/{appeal}/edit": EDIT,
    "/staff/account/security": READ,
    "/staff/account/security/disable": READ,
    "/staff/account/security/recovery-codes": READ,
    "/staff/account/language": READ,
    "/staff/facilities/new": EDIT,
    "/staff/facilities/{facility}/edit": EDIT,
    "/staff/cases/{case}/placements/new": EDIT,
    "/staff/cases/{case}/hearings/new": EDIT,
    "/staff/cases/{case}/letter-reports/new": EDIT,
    "/staff/cases/{case}/photo": EDIT,
    "/staff/cases/{case}/placements/{row}/remove": EDIT,
    "/staff/cases/{case}/hearings/{row}/remove": EDIT,
    "/staff/cases/{case}/letter-reports/{row}/remove": EDIT,
}
ROLES = ("anonymous", "viewer", "caseworker", "admin")


@pytest.fixture
def ids(db: Any, case: Case, admin: User, viewer: User) -> dict[str, int]:
    create_token(db, admin, viewer, "test")
    # A public case with an active appeal in a campaign, so that the pack has a letter.
    campaign = create_campaign(db, admin, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, admin)
    public = make_case(db, admin, "VN-2017-ACC", "Access Person")
    appeal = make_appeal(db, admin, public, addressee, campaign=campaign.slug)
    job = Job(kind="campaign_pack", params={}, dedupe_key="access", status="queued")
    db.add(job)
    facility = create_facility(db, admin, {"name": "Zanjan Central Prison", "country": "IR"})
    db.commit()
    return {
        "case": case.id,
        "user": viewer.id,
        "token": viewer.tokens[0].id,
        "year": 2020,
        "appeal": appeal.id,
        "addressee": addressee.id,
        "campaign": campaign.id,
        "job": job.id,
        "facility": facility.id,
        "row": 1,  # a placement, hearing or letter report: refused by role before it is looked up
    }


@pytest.fixture
def people(admin: User, caseworker: User, viewer: User) -> dict[str, User | None]:
    return {"anonymous": None, "viewer": viewer, "caseworker": caseworker, "admin": admin}


def _rule_paths(app: Flask, method: str) -> set[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and method in (rule.methods or ()):
            paths.add(
                rule.rule.replace("<int:case_id>", "{case}")
                .replace("<int:user_id>", "{user}")
                .replace("<int:token_id>", "{token}")
                .replace("<int:year>", "{year}")
                .replace("<int:appeal_id>", "{appeal}")
                .replace("<int:addressee_id>", "{addressee}")
                .replace("<int:campaign_id>", "{campaign}")
                .replace("<int:job_id>", "{job}")
                .replace("<int:facility_id>", "{facility}")
                .replace("<int:row_id>", "{row}")
            )
    return paths


def test_route_table_lists_every_staff_route(app: Flask) -> None:
    listed_get = {url.split("?")[0] for url in ROUTE_TABLE}
    assert _rule_paths(app, "GET") == listed_get
    assert _rule_paths(app, "POST") == set(POST_TABLE)


def _expect(response: Any, expected: Any) -> None:
    if expected == SIGN_IN:
        assert response.status_code == 302, response.status_code
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role_index", range(4), ids=ROLES)
def test_every_staff_page_answers_by_role(
    app: Flask, db: Any, ids: dict[str, int], people: dict[str, User | None], role_index: int
) -> None:
    client = app.test_client()
    user = people[ROLES[role_index]]
    if user is not None:
        login_as(client, user)
    for url, answers in ROUTE_TABLE.items():
        response = client.get(url.format(**ids))
        try:
            _expect(response, answers[role_index])
        except AssertionError as exc:
            raise AssertionError(f"GET {url} as {ROLES[role_index]}: {exc}") from None


@pytest.mark.parametrize("role_index", range(3), ids=ROLES[:3])
def test_every_staff_form_refuses_the_wrong_role(
    app: Flask, db: Any, ids: dict[str, int], people: dict[str, User | None], role_index: int
) -> None:
    """A viewer (or caseworker on admin forms) is refused even with a valid CSRF token."""
    app.config["WTF_CSRF_ENABLED"] = False  # the role check is what is under test here
    try:
        client = app.test_client()
        user = people[ROLES[role_index]]
        if user is not None:
            login_as(client, user)
        for url, answers in POST_TABLE.items():
            if answers[role_index] == OK:
                continue
            response = client.post(url.format(**ids), data={"role": "admin", "password": "x"})
            try:
                _expect(response, answers[role_index])
            except AssertionError as exc:
                raise AssertionError(f"POST {url} as {ROLES[role_index]}: {exc}") from None
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_csrf_required_on_every_post(
    app: Flask, client: FlaskClient, ids: dict[str, int], admin: User
) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True)
    login_as(client, admin)
    for url in [*POST_TABLE, "/logout"]:
        response = client.post(url.format(**ids), data={"role": "viewer", "name": "x"})
        assert response.status_code == 400, (
            f"POST {url} without a CSRF token: {response.status_code}"
        )
    anonymous = app.test_client()
    response = anonymous.post("/login", data={"email": "admin@example.org", "password": "x" * 12})
    assert response.status_code == 400
    # Nothing changed: the admin is still signed in and still an admin.
    assert client.get("/staff/users").status_code == 200


def test_security_headers_on_every_response(client: FlaskClient, admin: User) -> None:
    responses = [client.get("/"), client.get("/login"), client.get("/static/css/site.css")]
    login_as(client, admin)
    responses += [client.get("/staff"), client.get("/staff/cases"), client.get("/staff/nope")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in (
            "same-origin",
            "no-referrer",
            "strict-origin-when-cross-origin",
        )
        response.close()


def test_staff_pages_are_not_stored(client: FlaskClient, admin: User) -> None:
    login_as(client, admin)
    for url in ("/staff", "/staff/cases", "/staff/users", "/login"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient, caseworker: User) -> None:
    """Secure comes from configuration (HTTPS = True): tests/web/test_edge.py."""
    from tests.web.test_auth import sign_in

    response = sign_in(client, "caseworker@example.org", "correct-horse-battery-7", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" not in session  # plain http on 127.0.0.1 in development


def test_no_inline_script_in_staff_pages(
    client: FlaskClient, admin: User, case: Case, ids: dict[str, int]
) -> None:
    login_as(client, admin)
    for url in (
        "/staff",
        "/staff/cases",
        f"/staff/cases/{case.id}",
        f"/staff/cases/{case.id}/edit",
        "/staff/addressees",
        "/staff/addressees/{addressee}/edit".format(**ids),
        "/staff/campaigns/{campaign}".format(**ids),
        "/staff/appeals/{appeal}".format(**ids),
        "/staff/appeals/{appeal}/edit".format(**ids),
        "/staff/cases/{case}/appeals/new".format(**ids),
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html and "style=" not in html
