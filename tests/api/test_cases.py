"""The cases routes: list, create, read, edit with If-Match, status changes, history."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import NGA, bearer
from tracker.models import AuditEvent, Case, User


def _create(client: FlaskClient, token: str, **fields: Any) -> Any:
    body = {
        "reference": "IR-2015-NM",
        "full_name": "Narges Mohammadi",
        "country": "IR",
        "category": "human_rights_defender",
        **fields,
    }
    return client.post("/api/v1/cases", json=body, headers=bearer(token))


def test_create_case_returns_201_with_every_field(
    client: FlaskClient, db: Any, caseworker: User, caseworker_token: str
) -> None:
    response = _create(
        client,
        caseworker_token,
        arrested_on="2015-05-05",
        health_notes="SENTINEL-HEALTH",
        is_public=True,
        consent_publicity=True,
    )
    assert response.status_code == 201
    body = response.json
    assert body["reference"] == "IR-2015-NM"
    assert body["slug"] == "narges-mohammadi"  # published at once: the slug is made now
    assert body["status"] == "detained"
    assert body["status_since"] == "2015-05-05"
    assert body["health_notes"] == "SENTINEL-HEALTH"  # staff tokens see private fields
    assert body["version"] >= 1
    assert response.headers["ETag"] == f'"case-{body["id"]}-v{body["version"]}"'
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "case.create"))
    assert event.user_id == caseworker.id and event.entity_id == body["id"]


def test_create_case_with_a_taken_reference_is_409(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = _create(client, admin_token, reference=NGA["reference"])
    assert response.status_code == 409
    assert response.json["details"]["fields"] == {"reference": ["This reference is in use."]}


def test_create_case_validation_errors_are_422_with_fields(
    client: FlaskClient, admin_token: str
) -> None:
    response = client.post(
        "/api/v1/cases",
        json={
            "reference": "bad ref",
            "full_name": "",
            "country": "vn",
            "category": "poet",
            "status": "released",
        },
        headers=bearer(admin_token),
    )
    assert response.status_code == 422
    fields = response.json["details"]["fields"]
    assert set(fields) == {"reference", "full_name", "country", "category", "status"}
    assert isinstance(response.json["error"], str)


def test_unknown_country_code_is_422(client: FlaskClient, admin_token: str) -> None:
    response = _create(client, admin_token, country="XX")
    assert response.status_code == 422
    assert "country" in response.json["details"]["fields"]


def test_text_with_a_nul_character_is_422(client: FlaskClient, admin_token: str) -> None:
    response = _create(client, admin_token, summary="a\x00b")
    assert response.status_code == 422
    assert "summary" in response.json["details"]["fields"]


def test_list_cases_filters_searches_and_pages(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    _create(client, admin_token)
    _create(
        client,
        admin_token,
        reference="CN-2015-WQZ",
        full_name="Wang Quanzhang",
        country="CN",
        category="lawyer",
        summary="Human rights lawyer; 709 crackdown.",
    )
    url = "/api/v1/cases"
    client.post(
        f"{url}/{nga.id}/status",
        headers=bearer(admin_token),
        json={"status": "sentenced", "effective_on": "2017-07-25"},
    )
    page = client.get(url, headers=bearer(admin_token)).json
    assert page["total"] == 3 and page["page"] == 1 and page["per_page"] == 20
    ids = [c["id"] for c in page["items"]]
    assert ids == sorted(ids)
    assert page["items"][0]["internal_notes"] == "SENTINEL-INTERNAL"

    def refs(query: str) -> list[str]:
        response = client.get(f"{url}?{query}", headers=bearer(admin_token))
        assert response.status_code == 200
        return [c["reference"] for c in response.json["items"]]

    assert refs("country=CN") == ["CN-2015-WQZ"]
    assert refs("category=environmental_defender") == ["VN-2017-TTN"]
    assert refs("status=sentenced") == ["VN-2017-TTN"]
    assert refs("q=crackdown") == ["CN-2015-WQZ"]
    assert refs("q=narges") == ["IR-2015-NM"]
    assert refs("q=vn-2017") == ["VN-2017-TTN"]
    assert refs("q=100%25") == []  # LIKE wildcards are searched for literally
    second = client.get(f"{url}?per_page=2&page=2", headers=bearer(admin_token)).json
    assert second["total"] == 3 and len(second["items"]) == 1
    assert second["items"][0]["id"] == ids[2]


def test_list_cases_refuses_bad_filters_with_422(client: FlaskClient, admin_token: str) -> None:
    for query in ("status=free", "per_page=101", "page=0", "page=x", "country=vn"):
        response = client.get(f"/api/v1/cases?{query}", headers=bearer(admin_token))
        assert response.status_code == 422, query
        assert response.json["details"]["fields"], query


def test_get_case_has_an_etag_of_its_version(
    client: FlaskClient, nga: Case, viewer_token: str
) -> None:
    response = client.get(f"/api/v1/cases/{nga.id}", headers=bearer(viewer_token))
    assert response.status_code == 200
    assert response.json["full_name"] == "Tran Thi Nga"
    assert response.headers["ETag"] == f'"case-{nga.id}-v{nga.version}"'


def test_unknown_case_id_is_404(client: FlaskClient, admin_token: str) -> None:
    for url in (
        "/api/v1/cases/999999",
        "/api/v1/cases/999999/history",
        "/api/v1/cases/0",
        "/api/v1/cases/99999999999999999999",
    ):
        response = client.get(url, headers=bearer(admin_token))
        assert response.status_code == 404, url
        assert response.is_json and "error" in response.json
    response = client.patch(
        "/api/v1/cases/999999",
        json={},
        headers={**bearer(admin_token), "If-Match": '"case-999999-v1"'},
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/cases/999999/status",
        json={"status": "charged", "effective_on": "2020-01-01"},
        headers=bearer(admin_token),
    )
    assert response.status_code == 404


def test_patch_with_if_match_edits_and_audits(
    client: FlaskClient, db: Any, nga: Case, admin: User, admin_token: str
) -> None:
    before = client.get(f"/api/v1/cases/{nga.id}", headers=bearer(admin_token))
    etag = before.headers["ETag"]
    response = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"profession": "Blogger", "health_notes": "SENTINEL-HEALTH"},
        headers={**bearer(admin_token), "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.json["profession"] == "Blogger"
    assert response.json["version"] == before.json["version"] + 1
    assert response.headers["ETag"] != etag
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.update")).one()
    assert event.user_id == admin.id
    assert event.fields == ["health_notes", "profession"]


def test_patch_without_if_match_is_428(client: FlaskClient, nga: Case, admin_token: str) -> None:
    for headers in ({}, {"If-Match": "*"}):
        response = client.patch(
            f"/api/v1/cases/{nga.id}",
            json={"profession": "Blogger"},
            headers={**bearer(admin_token), **headers},
        )
        assert response.status_code == 428
        assert response.json["details"]["current_version"] == nga.version


def test_patch_with_a_stale_etag_is_412_with_the_current_version(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    old = f'"case-{nga.id}-v{nga.version}"'
    first = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"summary": "New summary"},
        headers={**bearer(admin_token), "If-Match": old},
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"profession": "Blogger"},
        headers={**bearer(admin_token), "If-Match": old},
    )
    assert second.status_code == 412
    assert second.json["details"]["current_version"] == first.json["version"]
    assert second.json["details"]["changed_fields"] == ["summary"]
    garbage = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"profession": "Blogger"},
        headers={**bearer(admin_token), "If-Match": '"something-else"'},
    )
    assert garbage.status_code == 412
    assert garbage.json["details"]["current_version"] == first.json["version"]


def test_patch_to_a_taken_reference_is_409(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    other = _create(client, admin_token).json
    response = client.patch(
        f"/api/v1/cases/{other['id']}",
        json={"reference": NGA["reference"]},
        headers={**bearer(admin_token), "If-Match": f'"case-{other["id"]}-v{other["version"]}"'},
    )
    assert response.status_code == 409


def test_patch_refuses_read_only_and_invalid_fields(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"status": "released", "full_name": "  "},
        headers={**bearer(admin_token), "If-Match": f'"case-{nga.id}-v{nga.version}"'},
    )
    assert response.status_code == 422
    assert set(response.json["details"]["fields"]) == {"status", "full_name"}


def test_status_change_is_201_and_audited(
    client: FlaskClient, db: Any, nga: Case, admin: User, admin_token: str
) -> None:
    response = client.post(
        f"/api/v1/cases/{nga.id}/status",
        json={
            "status": "released",
            "effective_on": "2020-01-09",
            "release_kind": "exile",
            "public_note": "Released into exile.",
            "note": "SENTINEL-NOTE",
            "source_url": "https://example.org/news",
        },
        headers=bearer(admin_token),
    )
    assert response.status_code == 201, response.json
    change = response.json
    assert (change["from_status"], change["to_status"]) == ("detained", "released")
    assert change["release_kind"] == "exile"
    assert change["recorded_by"] == admin.email
    case = client.get(f"/api/v1/cases/{nga.id}", headers=bearer(admin_token))
    assert case.json["status"] == "released" and case.json["status_since"] == "2020-01-09"
    assert response.headers["ETag"] == case.headers["ETag"]
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.status")).one()
    assert event.user_id == admin.id


def test_refused_transition_is_422_with_allowed(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    url = f"/api/v1/cases/{nga.id}/status"
    died = client.post(
        url,
        json={"status": "died_in_custody", "effective_on": "2018-01-01"},
        headers=bearer(admin_token),
    )
    assert died.status_code == 201
    response = client.post(
        url,
        json={"status": "released", "effective_on": "2019-01-01", "release_kind": "other"},
        headers=bearer(admin_token),
    )
    assert response.status_code == 422
    assert response.json["details"]["allowed"] == ["closed"]


def test_release_without_kind_and_date_before_latest_are_422(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    url = f"/api/v1/cases/{nga.id}/status"
    no_kind = client.post(
        url, json={"status": "released", "effective_on": "2020-01-09"}, headers=bearer(admin_token)
    )
    assert no_kind.status_code == 422
    assert "release_kind" in no_kind.json["details"]["fields"]
    too_early = client.post(
        url, json={"status": "charged", "effective_on": "2016-01-01"}, headers=bearer(admin_token)
    )
    assert too_early.status_code == 422
    assert "effective_on" in too_early.json["details"]["fields"]
    correction = client.post(
        url,
        json={"status": "charged", "effective_on": "2017-03-01", "is_correction": True},
        headers=bearer(admin_token),
    )
    assert correction.status_code == 201


def test_status_change_with_stale_if_match_is_412(
    client: FlaskClient, nga: Case, admin_token: str
) -> None:
    response = client.post(
        f"/api/v1/cases/{nga.id}/status",
        json={"status": "charged", "effective_on": "2017-02-01"},
        headers={**bearer(admin_token), "If-Match": f'"case-{nga.id}-v{nga.version - 1}"'},
    )
    assert response.status_code == 412


def test_history_is_oldest_first(client: FlaskClient, nga: Case, admin_token: str) -> None:
    url = f"/api/v1/cases/{nga.id}/status"
    for status, on in (("sentenced", "2017-07-25"), ("charged", "2017-03-01")):
        body = {"status": status, "effective_on": on, "is_correction": status == "charged"}
        assert client.post(url, json=body, headers=bearer(admin_token)).status_code == 201
    history = client.get(f"/api/v1/cases/{nga.id}/history", headers=bearer(admin_token)).json
    assert [(c["to_status"], c["effective_on"]) for c in history["items"]] == [
        ("detained", "2017-01-21"),
        ("charged", "2017-03-01"),
        ("sentenced", "2017-07-25"),
    ]


def test_create_case_with_a_partial_arrest_date_and_a_private_date_of_birth(
    client: FlaskClient, db: Any, caseworker_token: str
) -> None:
    response = _create(
        client,
        caseworker_token,
        arrested_on="2015-05-17",
        arrested_on_precision="month",
        birth_date="1972-04-21",
        birth_date_precision="year",
        birthday_public=True,
    )
    assert response.status_code == 201, response.json
    body = response.json
    # "May 2015" is stored as its first day, and the history's first change keeps the precision.
    assert (body["arrested_on"], body["arrested_on_precision"]) == ("2015-05-01", "month")
    assert (body["status_since"], body["status_since_precision"]) == ("2015-05-01", "month")
    assert (body["birth_date"], body["birth_date_precision"]) == ("1972-01-01", "year")
    assert body["birthday_public"] is True
    refused = client.patch(
        f"/api/v1/cases/{body['id']}",
        json={"arrested_on_precision": "week"},
        headers={**bearer(caseworker_token), "If-Match": f'"case-{body["id"]}-v{body["version"]}"'},
    )
    assert refused.status_code == 422
    assert "arrested_on_precision" in refused.json["details"]["fields"]
