"""Every answer under /api/v1 is JSON, with the right status code, even when things break."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import bearer
from tracker.models import Case
from tracker.services.cases import editing as case_service


def _is_json_error(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert isinstance(response.json["error"], str) and response.json["error"]
    assert isinstance(response.json["details"], dict)


def test_malformed_json_is_400(client: FlaskClient, admin_token: str) -> None:
    response = client.post(
        "/api/v1/cases",
        data='{"reference": ',
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    _is_json_error(response, 400)
    assert "JSON" in response.json["error"]


def test_unknown_urls_under_the_api_are_json_404(client: FlaskClient, admin_token: str) -> None:
    for url in ("/api/v1/nothing", "/api/v1", "/api/v1/cases/1/nothing"):
        _is_json_error(client.get(url, headers=bearer(admin_token)), 404)
    # Unrouted POSTs are answered before the web app's CSRF check can send an HTML 400.
    _is_json_error(client.post("/api/v1/nothing", json={}), 404)


def test_wrong_method_is_json_405(client: FlaskClient, nga: Case, admin_token: str) -> None:
    response = client.delete(f"/api/v1/cases/{nga.id}", headers=bearer(admin_token))
    _is_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH"}
    _is_json_error(client.put("/api/v1/cases", json={}, headers=bearer(admin_token)), 405)


def test_body_over_one_megabyte_is_413(client: FlaskClient, admin_token: str) -> None:
    body = '{"reference": "X-1", "summary": "' + "x" * (1024 * 1024) + '"}'
    response = client.post(
        "/api/v1/cases",
        data=body,
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    _is_json_error(response, 413)


def test_validation_errors_use_the_same_shape(client: FlaskClient, admin_token: str) -> None:
    response = client.post("/api/v1/cases", json=[1, 2], headers=bearer(admin_token))
    _is_json_error(response, 422)
    response = client.post("/api/v1/cases", json={"nope": 1}, headers=bearer(admin_token))
    _is_json_error(response, 422)
    assert "nope" in response.json["details"]["fields"]
    assert "code" not in response.json and "errors" not in response.json


def test_server_error_is_json_500_without_a_stack_trace(
    app: Flask, client: FlaskClient, nga: Case, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("SENTINEL-TRACEBACK")

    monkeypatch.setattr(case_service, "update_case", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.patch(
        f"/api/v1/cases/{nga.id}",
        json={"summary": "x"},
        headers={**bearer(admin_token), "If-Match": f'"case-{nga.id}-v1"'},
    )
    _is_json_error(response, 500)
    assert "SENTINEL-TRACEBACK" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_web_errors_stay_html(client: FlaskClient) -> None:
    """The API's JSON errors do not leak into the rest of the site."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_openapi_document_is_generated_and_public(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert set(paths) >= {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/status",
        "/api/v1/cases/{case_id}/history",
    }
    assert set(paths["/api/v1/cases/{case_id}"]) >= {"get", "patch"}
    create = spec["components"]["schemas"]["CaseCreate"]["properties"]
    assert create["reference"]["maxLength"] == 64
    assert create["country"]["pattern"] == "^[A-Z]{2}$"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_is_served_without_a_cdn(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/rapidoc/rapidoc-min.js" in html
    assert "https://" not in html
    script = client.get("/static/vendor/rapidoc/rapidoc-min.js")
    assert script.status_code == 200
    script.close()
