"""The facility directory: the service's checks, the staff pages, the API and the CSV import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from tests.api.conftest import bearer
from tests.conftest import login_as
from tests.custody.conftest import ZANJAN, post_form
from tracker.cli import cli
from tracker.domain.errors import ValidationError
from tracker.models import AuditEvent, Facility, User
from tracker.services.custody.facilities import (
    create_facility,
    search_facilities,
    unverified_facilities,
    update_facility,
)

# -- the service ------------------------------------------------------------------------------


def test_bad_fields_are_refused_with_their_names_and_nothing_is_added(
    db: Any, caseworker: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_facility(
            db,
            caseworker,
            {
                "name": "  ",
                "country": "XX",
                "kind": "castle",
                "letter_rules": {"languages": ["not a tag"], "colour": "red"},
            },
        )
    assert {"name", "country", "kind", "letter_rules"} <= set(refused.value.field_errors)
    assert db.scalar(select(func.count()).select_from(Facility)) == 0


def test_a_second_facility_of_the_same_name_and_country_is_refused(
    db: Any, caseworker: User, zanjan: Facility
) -> None:
    with pytest.raises(ValidationError, match="exists"):
        create_facility(db, caseworker, {"name": "zanjan central prison", "country": "IR"})
    # The same name in another country is another facility.
    create_facility(db, caseworker, {"name": "Zanjan Central Prison", "country": "AF"})


def test_search_by_name_in_either_script_and_by_country(
    db: Any, caseworker: User, zanjan: Facility
) -> None:
    create_facility(db, caseworker, {"name": "Evin Prison", "country": "IR"})
    create_facility(db, caseworker, {"name": "Penal Colony No. 4", "country": "BY"})
    assert [f.name for f in search_facilities(db, q="zanj").items] == [zanjan.name]
    assert [f.name for f in search_facilities(db, q="زنجان").items] == [zanjan.name]
    assert [f.name for f in search_facilities(db, country="ir").items] == [
        "Evin Prison",
        "Zanjan Central Prison",
    ]


def test_addresses_unverified_for_over_180_days_are_flagged(db: Any, caseworker: User) -> None:
    today = dt.date(2026, 6, 1)
    create_facility(
        db,
        caseworker,
        {"name": "Fresh", "country": "BY", "address_verified_on": today - dt.timedelta(days=180)},
    )
    create_facility(
        db,
        caseworker,
        {"name": "Old", "country": "BY", "address_verified_on": today - dt.timedelta(days=181)},
    )
    create_facility(db, caseworker, {"name": "Never", "country": "BY"})
    assert [f.name for f in unverified_facilities(db, today)] == ["Never", "Old"]


# -- staff pages ------------------------------------------------------------------------------


def test_staff_add_a_facility_and_find_it_flagged_when_unverified(
    client: FlaskClient, caseworker: User, db: Any
) -> None:
    login_as(client, caseworker)
    response = post_form(
        client,
        "/staff/facilities/new",
        {
            "name": "Penal Colony No. 4",
            "name_native": "Исправительная колония № 4",
            "kind": "prison",
            "country": "BY",
            "address_lines": "ul. Sovetskaya 22\n246035 Gomel",
            "accepts_letters": "y",
            "languages": "ru be",
            "envelope": "Full name with patronymic\nYear of birth",
            "forbidden": "Politics",
        },
    )
    assert response.status_code == 302
    facility = db.scalar(select(Facility).where(Facility.name == "Penal Colony No. 4"))
    assert facility.letter_rules["languages"] == ["ru", "be"]
    assert facility.letter_rules["envelope"] == ["Full name with patronymic", "Year of birth"]
    page = client.get("/staff/facilities?country=BY").get_data(as_text=True)
    assert "Penal Colony No. 4" in page and "never verified" in page
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Year of birth" in detail and "Politics" in detail


def test_a_refused_facility_form_says_why(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    response = post_form(
        client, "/staff/facilities/new", {"name": "X", "country": "BY", "languages": "!!"}
    )
    assert response.status_code == 422
    assert "BCP 47" in response.get_data(as_text=True)


def test_editing_a_facility_someone_else_saved_shows_what_changed(
    client: FlaskClient, caseworker: User, zanjan: Facility, db: Any
) -> None:
    login_as(client, caseworker)
    url = f"/staff/facilities/{zanjan.id}/edit"
    token_page = client.get(url).get_data(as_text=True)
    assert "Zanjan-Tehran Road" in token_page
    update_facility(db, caseworker, zanjan, {"accepts_letters": False}, zanjan.version)
    db.commit()
    response = post_form(
        client,
        url,
        {
            "name": "Zanjan Central Prison",
            "country": "IR",
            "kind": "prison",
            "accepts_letters": "y",
            "version": "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this facility" in page and "Accepts letters" in page
    db.expire_all()
    assert db.get(Facility, zanjan.id).accepts_letters is False


def test_a_viewer_reads_the_directory_but_cannot_add(
    client: FlaskClient, viewer: User, db: Any, zanjan: Facility
) -> None:
    db.commit()
    login_as(client, viewer)
    assert client.get("/staff/facilities").status_code == 200
    assert client.get("/staff/facilities/new").status_code == 403


# -- the API ----------------------------------------------------------------------------------


def test_api_create_read_patch_with_if_match(
    client: FlaskClient, caseworker_token: str, db: Any
) -> None:
    headers = bearer(caseworker_token)
    body = {**ZANJAN, "address_verified_on": "2026-01-01"}
    created = client.post("/api/v1/facilities", json=body, headers=headers)
    assert created.status_code == 201, created.json
    facility = created.json
    assert facility["letter_rules"]["languages"] == ["fa"]
    assert facility["stats"] == {"posted": 0, "returned": 0, "replies": 0, "get_through_rate": None}
    url = f"/api/v1/facilities/{facility['id']}"
    got = client.get(url, headers=headers)
    assert got.headers["ETag"] == f'"facility-{facility["id"]}-v1"'
    assert client.patch(url, json={"accepts_letters": False}, headers=headers).status_code == 428
    patched = client.patch(
        url, json={"accepts_letters": False}, headers={**headers, "If-Match": got.headers["ETag"]}
    )
    assert patched.status_code == 200 and patched.json["accepts_letters"] is False
    stale = client.patch(
        url, json={"name": "Other"}, headers={**headers, "If-Match": got.headers["ETag"]}
    )
    assert stale.status_code == 412 and stale.json["details"]["current_version"] == 2
    twin = client.post("/api/v1/facilities", json=body, headers=headers)
    assert twin.status_code == 422
    listed = client.get("/api/v1/facilities?q=zanjan&country=IR", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == facility["id"]
    assert client.get("/api/v1/facilities/999", headers=headers).status_code == 404


def test_api_viewer_token_cannot_add_a_facility(client: FlaskClient, viewer_token: str) -> None:
    response = client.post(
        "/api/v1/facilities", json={"name": "X", "country": "BY"}, headers=bearer(viewer_token)
    )
    assert response.status_code == 403


# -- the CSV import ---------------------------------------------------------------------------

HEADER = (
    "name,name_native,kind,country,address_lines,address_lines_native,accepts_letters,"
    "address_verified_on,languages,envelope,allowed,forbidden,notes\n"
)


def test_import_creates_then_updates_without_duplicates(
    runner: FlaskCliRunner, tmp_path: Path, db: Any
) -> None:
    path = tmp_path / "facilities.csv"
    path.write_text(
        HEADER
        + 'Penal Colony No. 4,ИК-4,prison,BY,"ul. Sovetskaya 22\n246035 Gomel",,yes,2026-01-10,'
        '"ru, be","Full name with patronymic\nYear of birth",Postcards,Politics,Slow censor\n'
        "Evin Prison,زندان اوین,prison,IR,Tehran,,no,,fa,,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["facilities", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Created 2, updated 0" in result.output
    colony = db.scalar(select(Facility).where(Facility.name == "Penal Colony No. 4"))
    assert colony.address_lines == ["ul. Sovetskaya 22", "246035 Gomel"]
    assert colony.letter_rules["envelope"] == ["Full name with patronymic", "Year of birth"]
    assert colony.letter_rules["languages"] == ["ru", "be"]
    path.write_text(HEADER + "penal colony no. 4,ИК-4,prison,BY,,,no,,,,,,\n", encoding="utf-8")
    result = runner.invoke(cli, ["facilities", "import", str(path)])
    assert result.exit_code == 0 and "updated 1" in result.output, result.output
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Facility)) == 2
    assert db.get(Facility, colony.id).accepts_letters is False


def test_import_with_bad_rows_reports_each_as_file_line_and_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path, db: Any
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "Good Prison,,prison,BY,,,yes,,,,,,\n"
        + 'Bad Country,,prison,ZZ,"two\nlines",,yes,,,,,,\n'
        + "Bad Date,,prison,BY,,,yes,2020-13-01,,,,,\n"
        + "Good Prison,,prison,BY,,,yes,,,,,,\n",
        encoding="utf-8",
    )
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(cli, ["facilities", "import", str(path)])
    assert result.exit_code == 1
    assert "bad.csv:3: country" in result.output
    assert "bad.csv:5: address_verified_on" in result.output  # line 3 holds two lines
    assert "bad.csv:6: the same facility as line 2" in result.output
    assert "nothing was imported" in result.output
    assert db.scalar(select(func.count()).select_from(Facility)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_import_refuses_a_file_with_unknown_columns(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("name,country,colour\nX,BY,red\n", encoding="utf-8")
    result = runner.invoke(cli, ["facilities", "import", str(path)])
    assert result.exit_code == 1 and "odd.csv:1: unknown column(s) colour" in result.output


def test_the_import_command_is_one_unit_of_work() -> None:
    command = cli.commands["facilities"].commands["import"]  # type: ignore[attr-defined]
    assert command.callback.unit_of_work is True
