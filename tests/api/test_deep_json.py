"""Finding 10: JSON nested 10,000 deep is a 400 with the JSON error body (not a 500), at every
JSON entry point: every API route that takes a body, and `tracker cases import FILE.json`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import bearer
from tests.cli.conftest import tracker as tracker  # the fixture, for the import test
from tracker.models import Case

DEPTH = 10_000
PAYLOADS = {
    "arrays": "[" * DEPTH + "]" * DEPTH,
    "objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "in a field": '{"reference": "X-1", "asks": ' + "[" * DEPTH + "]" * DEPTH + "}",
}


def body_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, URL) of every API route that takes a JSON body, with its ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        url = re.sub(r"<report_year:\w+>", "2020", re.sub(r"<id:\w+>", "1", rule.rule))
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            routes.append((method, url))
    return routes


def test_every_body_route_is_found(app: Flask) -> None:
    routes = body_routes(app)
    assert ("POST", "/api/v1/cases") in routes and ("PATCH", "/api/v1/cases/1") in routes
    assert len(routes) >= 6


@pytest.mark.parametrize("shape", PAYLOADS)
def test_finding_10_json_nested_10000_deep_is_a_400(
    app: Flask, client: FlaskClient, admin_token: str, nga: Case, shape: str
) -> None:
    for method, url in body_routes(app):
        response = client.open(
            url,
            method=method,
            data=PAYLOADS[shape],
            headers={**bearer(admin_token), "Content-Type": "application/json", "If-Match": '"1"'},
        )
        assert response.status_code == 400, (method, url, response.status_code)
        assert response.json is not None
        assert "nested too deeply" in response.json["error"]
        assert isinstance(response.json["details"], dict)


def test_finding_10_json_import_nested_10000_deep_is_a_file_line_error(
    tracker: Any, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(PAYLOADS["objects"], encoding="utf-8")
    result = tracker("cases", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: not a JSON document: nested too deeply" in result.stderr
    assert "Traceback" not in result.output + result.stderr
