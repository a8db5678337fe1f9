"""The yearly report as data: the three real people of 2020, the public view's privacy, errors."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.api.conftest import bearer

# Fixtures shared with the report tests: importing them makes them usable here.
from tests.reports.conftest import SENTINEL, real_people, sentinel_cases  # noqa: F401
from tracker.models import Case


def _report(client: FlaskClient, token: str, query: str = "?public=1", year: int = 2020) -> Any:
    return client.get(f"/api/v1/reports/releases/{year}{query}", headers=bearer(token))


def test_2020_public_report_names_the_three_real_people(
    client: FlaskClient,
    real_people: list[Case],  # noqa: F811
    viewer_token: str,
) -> None:
    response = _report(client, viewer_token)
    assert response.status_code == 200
    report = response.json
    assert (report["year"], report["public"]) == (2020, True)
    released = {p["name"]: p for p in report["released"]}
    assert set(released) == {"Tran Thi Nga", "Narges Mohammadi", "Wang Quanzhang"}
    expected = {
        "Tran Thi Nga": ("VN-2017-TTN", "VN", "environmental_defender", "2020-01-09", "exile"),
        "Narges Mohammadi": ("IR-2015-NM", "IR", "human_rights_defender", "2020-10-08",
                             "early_release"),
        "Wang Quanzhang": ("CN-2015-WQZ", "CN", "lawyer", "2020-04-05", "sentence_served"),
    }  # fmt: skip
    for name, (reference, country, category, day, kind) in expected.items():
        person = released[name]
        assert (
            person["reference"],
            person["country"],
            person["category"],
            person["effective_on"],
            person["precision"],
            person["release_kind"],
        ) == (reference, country, category, day, "day", kind)
        assert person["days_detained"] > 365
    assert released["Narges Mohammadi"]["rearrested_on"] == "2021-11-01"
    assert released["Narges Mohammadi"]["rearrested_precision"] == "month"
    assert released["Tran Thi Nga"]["rearrested_on"] is None
    assert released["Wang Quanzhang"]["rearrested_on"] is None
    assert report["restricted"] == [] and report["died_in_custody"] == []
    assert report["unnamed"] == {"released": 0, "restricted": 0, "died_in_custody": 0}
    assert report["totals"]["released"] == 3


def test_public_report_json_never_holds_a_private_value(
    client: FlaskClient,
    real_people: list[Case],  # noqa: F811
    sentinel_cases: dict[str, Case],  # noqa: F811
    viewer_token: str,
) -> None:
    response = _report(client, viewer_token)
    assert response.status_code == 200
    assert SENTINEL not in response.get_data(as_text=True)
    report = response.json
    names = {p["name"] for p in report["released"]}
    assert "Ada Example (fictional)" in names
    assert report["unnamed"]["released"] == 2  # the hidden and the unconsented case
    assert report["totals"]["released"] == 6


def test_staff_report_names_everyone_and_counts_nobody_unnamed(
    client: FlaskClient,
    sentinel_cases: dict[str, Case],  # noqa: F811
    caseworker_token: str,
) -> None:
    report = _report(client, caseworker_token, query="").json
    assert report["public"] is False
    assert len(report["released"]) == 3
    assert report["unnamed"] == {"released": 0, "restricted": 0, "died_in_custody": 0}
    # Even the staff view carries no private field or internal note.
    assert "internal-note" not in str(report) and "-internal_notes" not in str(report)


def test_a_year_without_releases_is_an_empty_report(client: FlaskClient, viewer_token: str) -> None:
    response = _report(client, viewer_token, year=1999)
    assert response.status_code == 200
    assert response.json["released"] == []
    assert response.json["totals"]["released"] == 0


def test_report_of_a_year_out_of_range_is_404(client: FlaskClient, viewer_token: str) -> None:
    response = _report(client, viewer_token, year=1800)
    assert response.status_code == 404
    assert response.json["error"]


def test_report_with_a_bad_public_flag_is_422(client: FlaskClient, viewer_token: str) -> None:
    response = _report(client, viewer_token, query="?public=perhaps")
    assert response.status_code == 422
    assert "public" in response.json["details"]["fields"]


def test_report_needs_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/reports/releases/2020?public=1")
    assert response.status_code == 401


def test_report_is_read_only_405(client: FlaskClient, admin_token: str) -> None:
    response = client.post("/api/v1/reports/releases/2020", json={}, headers=bearer(admin_token))
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
