"""The report's HTML, PDF, CSV and JSON outputs on the web and from the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdf
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests.conftest import login_as
from tests.reports.conftest import SENTINEL, add_case
from tracker.cli import cli
from tracker.extensions import login_manager
from tracker.models import Appeal, AppealCounter, Case, User
from tracker.services.cases.editing import change_status, update_case
from tracker.services.reports.data import build_release_report

RELEASE_FACTS = [
    "Tran Thi Nga",
    "Released on 9 January 2020",
    "Exile",
    "Wang Quanzhang",
    "Released on 5 April 2020",
    "Sentence served",
    "Narges Mohammadi",
    "Released on 8 October 2020",
    "Early release",
    "Arrested again in November 2021",
]


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def pdf_metadata(data: bytes) -> str:
    return json.dumps(
        {k: str(v) for k, v in (pypdf.PdfReader(io.BytesIO(data)).metadata or {}).items()}
    )


def test_2020_report_page_names_the_three_real_people(
    client: FlaskClient, real_people: list[Case]
) -> None:
    response = client.get("/reports/releases/2020")
    assert response.status_code == 200
    html = " ".join(response.get_data(as_text=True).split())
    for fact in RELEASE_FACTS:
        assert fact in html
    assert html.count('class="person"') == 3
    assert "A person counts as released in 2020" in html  # the rule is stated on the report
    assert 'dir="auto"' in html and "نرگس محمدی" in html


def test_2020_report_pdf_names_the_three_real_people(
    client: FlaskClient, real_people: list[Case]
) -> None:
    response = client.get("/reports/releases/2020.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for fact in RELEASE_FACTS:
        assert fact in text
    # No contents page: the first page is the title, the opening paragraph and the figures.
    assert "Contents" not in text and "Page 1 of" not in text  # the first page has no number
    assert "Page 2 of" in text
    assert "Every year Tracker Human Rights looks back on the people it campaigned for" in text
    assert text.count("Human rights victories of 2020") >= 2  # title and running header


def test_demo_data_2020_report_names_exactly_the_three_real_people(
    client: FlaskClient, runner: FlaskCliRunner, db: Any
) -> None:
    """`tracker demo load`, then the public 2020 report: of the real (non-demo) people, exactly
    the three released in 2020 are named, with their dates, release kinds and Narges Mohammadi's
    re-arrest beside her name; the fictional demo cases do not disturb them."""
    result = runner.invoke(cli, ["demo", "load"])
    assert result.exit_code == 0, result.output
    real_names = set(db.scalars(select(Case.full_name).where(~Case.reference.startswith("DEMO-"))))
    assert len(real_names) == 3  # the demo's only real people are the three released in 2020

    page = client.get("/reports/releases/2020").get_data(as_text=True)
    named = set(re.findall(r'<h3 class="person">([^<]+?)\s*(?:<|$)', page))
    assert named & real_names == {"Tran Thi Nga", "Narges Mohammadi", "Wang Quanzhang"}
    html = " ".join(page.split())
    text = pdf_text(client.get("/reports/releases/2020.pdf").data)
    for output in (html, text):
        for fact in RELEASE_FACTS:
            assert fact in output
    assert re.search(r"Narges Mohammadi .{0,40}· Arrested again in November 2021", text)
    # Nobody real is named in the years around it.
    for year in (2019, 2021):
        other = client.get(f"/reports/releases/{year}").get_data(as_text=True)
        assert not any(name in other for name in real_names)


def test_private_fields_never_appear_in_any_public_report_output(
    app: Any, client: FlaskClient, runner: FlaskCliRunner, real_people: list[Case],
    sentinel_cases: dict[str, Case], tmp_path: Path,
) -> None:  # fmt: skip
    outputs = {
        "html": client.get("/reports/releases/2020").get_data(as_text=True),
        "csv": client.get("/reports/releases/2020.csv").get_data(as_text=True),
        "index": client.get("/reports/releases/").get_data(as_text=True),
    }
    pdf = client.get("/reports/releases/2020.pdf").data
    outputs["pdf text"] = pdf_text(pdf)
    outputs["pdf metadata"] = pdf_metadata(pdf)
    outputs["json"] = json.dumps(build_release_report(app_db(), 2020, public=True))
    for fmt in ("html", "csv", "json", "pdf"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(cli, ["reports", "releases", "--year", "2020", "--format", fmt,
                                     "-o", str(out), "--public"])  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs[f"cli {fmt}"] = pdf_text(out.read_bytes()) if fmt == "pdf" else out.read_text()
    for name, text in outputs.items():
        assert SENTINEL not in text, f"a private value leaked into the public {name}"
    # The named case is there; the others are counted, not named.
    assert "Ada Example (fictional)" in outputs["html"]
    assert "Ada Example (fictional)" in outputs["pdf text"]
    assert "and 2 others whose names we do not publish" in outputs["html"]
    assert "and 2 others whose names we do not publish" in outputs["pdf text"]
    assert "Belarus" not in outputs["html"]


def app_db() -> Any:
    from tracker.extensions import db

    return db.session


def test_staff_report_requires_sign_in(
    client: FlaskClient, sentinel_cases: dict[str, Case], monkeypatch: Any
) -> None:
    # Without a sign-in page to redirect to, Flask-Login answers 401: the page is refused
    # whether or not the staff sign-in blueprint is registered.
    monkeypatch.setattr(login_manager, "login_view", None)
    for url in (
        "/staff/reports/releases/2020",
        "/staff/reports/releases/2020.pdf",
        "/staff/reports/releases/2020.csv",
        "/staff/reports/releases/",
    ):
        response = client.get(url)
        assert response.status_code == 401
        assert SENTINEL not in response.get_data(as_text=True)


def test_staff_report_names_everyone(
    client: FlaskClient, viewer: User, sentinel_cases: dict[str, Case]
) -> None:
    login_as(client, viewer)
    html = client.get("/staff/reports/releases/2020").get_data(as_text=True)
    assert f"{SENTINEL} Hidden Name" in html
    assert "whose names we do not publish" not in html
    assert "Staff report" in html
    # Even the staff view never shows private fields or internal notes.
    assert f"{SENTINEL}-named-" not in html and "internal-note" not in html
    staff_pdf = client.get("/staff/reports/releases/2020.pdf")
    assert "no-store" in staff_pdf.headers["Cache-Control"]
    assert f"{SENTINEL} Hidden Name" in pdf_text(staff_pdf.data)


def test_report_csv_has_one_row_per_named_person(
    client: FlaskClient, real_people: list[Case]
) -> None:
    response = client.get("/reports/releases/2020.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("section,reference,name,")
    assert len(lines) == 4
    assert any("IR-2015-NM" in line and "2021-11-01" in line for line in lines)


def test_pdf_cache_rebuilds_after_a_data_change(
    db: Any, client: FlaskClient, caseworker: User, real_people: list[Case]
) -> None:
    first = client.get("/reports/releases/2020.pdf")
    again = client.get("/reports/releases/2020.pdf")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert (
        client.get(
            "/reports/releases/2020.pdf", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )

    nga = real_people[0]
    update_case(db, caseworker, nga, {"full_name": "Tran Thi Nga (renamed)"}, nga.version)
    db.commit()
    renamed = client.get("/reports/releases/2020.pdf")
    assert renamed.headers["ETag"] != first.headers["ETag"]
    assert "Tran Thi Nga (renamed)" in pdf_text(renamed.data)

    wang = real_people[2]
    change_status(db, caseworker, wang, "detained", dt.date(2020, 6, 1), public_note="Taken again.")
    db.commit()
    rearrested = pdf_text(client.get("/reports/releases/2020.pdf").data)
    assert "Arrested again on 1 June 2020" in rearrested


def test_a_year_with_no_releases_renders_a_sensible_page(
    client: FlaskClient, real_people: list[Case]
) -> None:
    response = client.get("/reports/releases/1999")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No releases were recorded in 1999" in html
    assert "We have no record of anyone released" in html
    pdf = client.get("/reports/releases/1999.pdf")
    assert pdf.status_code == 200
    assert "No releases were recorded in 1999" in pdf_text(pdf.data)
    assert client.get("/reports/releases/1999.csv").get_data(as_text=True).count("\n") == 1


def test_year_out_of_range_is_not_found(client: FlaskClient) -> None:
    assert client.get("/reports/releases/12").status_code == 404
    assert client.get("/reports/releases/99999.pdf").status_code == 404


def test_year_index_links_every_year(client: FlaskClient, real_people: list[Case]) -> None:
    html = client.get("/reports/releases/").get_data(as_text=True)
    assert '<a href="/reports/releases/2020">2020</a>' in html
    assert '<a href="/reports/releases/2015">2015</a>' in html


def test_large_counts_are_written_with_thousands_separators(
    client: FlaskClient, db: Any, real_people: list[Case]
) -> None:
    wang = real_people[2]
    appeal = Appeal(case_id=wang.id, subject="Free Wang Quanzhang")
    db.add(appeal)
    db.flush()
    db.add(AppealCounter(appeal_id=appeal.id, day=dt.date(2020, 2, 1), downloads=62751, sent=24396))
    db.commit()
    html = " ".join(client.get("/reports/releases/2020").get_data(as_text=True).split())
    assert "letters: 62,751 downloaded, 24,396 sent" in html
    assert "Supporters downloaded 62,751 letters" in html and "posted 24,396." in html
    text = pdf_text(client.get("/reports/releases/2020.pdf").data)
    assert "62,751 downloaded, 24,396 sent" in text


def test_cli_writes_every_format(
    runner: FlaskCliRunner, real_people: list[Case], sentinel_cases: dict[str, Case],
    tmp_path: Path,
) -> None:  # fmt: skip
    def run(fmt: str, *extra: str) -> Path:
        out = tmp_path / f"r-{fmt}-{len(extra)}.{fmt}"
        result = runner.invoke(
            cli, ["reports", "releases", "--year", "2020", "--format", fmt, "-o", str(out), *extra]
        )
        assert result.exit_code == 0, result.output
        return out

    data = json.loads(run("json", "--public").read_text())
    assert {p["name"] for p in data["released"]} >= {"Tran Thi Nga", "Wang Quanzhang"}
    assert data["unnamed"]["released"] == 2
    staff = json.loads(run("json").read_text())
    assert staff["public"] is False and len(staff["released"]) == 6
    html = run("html", "--public").read_text()
    assert html.startswith("<!doctype html>") and "<style>" in html and "Narges Mohammadi" in html
    assert "/static/" not in html  # standalone: the stylesheet is inlined
    assert "Wang Quanzhang" in run("csv", "--public").read_text()
    assert run("pdf", "--public").read_bytes().startswith(b"%PDF-")


def test_cli_refuses_a_bad_year(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["reports", "releases", "--year", "20", "-o", "-"])
    assert result.exit_code == 2
    assert "--year" in result.output


def test_report_pdf_of_a_year_with_many_releases_is_not_refused(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    # The letter limits (6 pages) once refused every report longer than a few pages.
    for n in range(120):
        add_case(
            db,
            caseworker,
            {
                "reference": f"MANY-{n}",
                "full_name": f"Released Person {n}",
                "country": "VN",
                "category": "activist",
                "arrested_on": "2018-01-01",
                "is_public": True,
                "consent_publicity": True,
            },
            [("released", "2021-03-01", "day", "sentence_served", "Freed at the end of term.")],
        )
    db.commit()
    response = client.get("/reports/releases/2021.pdf")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) > 6
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Released Person 0" in text and "Released Person 119" in text
