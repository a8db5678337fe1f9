"""The demo data's custody part: facilities with rules, the real people's public placements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests.pdf.conftest import pdf_text
from tracker.cli import cli
from tracker.models import Appeal, Case, Facility
from tracker.services.custody.facilities import unverified_facilities
from tracker.services.custody.figures import facility_figures


@pytest.fixture
def demo(runner: FlaskCliRunner, db: Any) -> dict[str, Case]:
    result = runner.invoke(cli, ["demo", "load"])
    assert result.exit_code == 0, result.output
    return {c.reference: c for c in db.scalars(select(Case))}


def placements(case: Case) -> list[tuple[str, dt.date, str]]:
    return [(p.facility.name, p.effective_on, p.precision) for p in case.placements]


def test_the_real_people_have_only_their_public_placements(demo: dict[str, Case], db: Any) -> None:
    assert placements(demo["IR-2015-NM"]) == [
        ("Evin Prison", dt.date(2015, 5, 1), "month"),
        ("Zanjan Central Prison", dt.date(2019, 12, 1), "month"),
        ("Evin Prison", dt.date(2021, 11, 1), "month"),
    ]
    assert placements(demo["CN-2015-WQZ"]) == [("Linyi Prison", dt.date(2019, 6, 1), "month")]
    assert placements(demo["VN-2017-TTN"])[0][0] == "Ha Nam Provincial Police Detention Centre"
    for reference in ("IR-2015-NM", "CN-2015-WQZ", "VN-2017-TTN"):
        assert demo[reference].consent_detention_address is False
    zanjan = db.scalar(select(Facility).where(Facility.name == "Zanjan Central Prison"))
    assert zanjan.letter_rules["languages"] == ["fa"] and zanjan.letter_rules["envelope"]
    colony = db.scalar(select(Facility).where(Facility.name == "Demo Penal Colony No. 7"))
    assert "patronymic" in colony.letter_rules["envelope"][0]
    flagged = {f.name for f in unverified_facilities(db, dt.date.today())}
    assert {"Zanjan Central Prison", "Ha Nam Provincial Police Detention Centre"} <= flagged
    assert "Evin Prison" not in flagged


def test_the_demo_shows_figures_hearings_and_a_solidarity_letter_to_a_facility(
    demo: dict[str, Case],
    db: Any,
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(tmp_path / "cache"))
    remand = db.scalar(select(Facility).where(Facility.name == "Demo Remand Centre No. 2"))
    figures = facility_figures(db, [remand.id], dt.date.today())[remand.id]
    assert figures.reports == 14 and figures.get_through_rate == pytest.approx(0.786)
    person = demo["DEMO-001"]
    assert person.facility_id == remand.id and person.consent_detention_address
    letter = db.scalar(
        select(Appeal).where(Appeal.case_id == person.id, Appeal.kind == "solidarity")
    )
    db.commit()
    text = pdf_text(client.get(f"/cases/{person.slug}/letters/{letter.id}.pdf").data)
    assert "Rua Fictícia 100" in text and "Before you post this letter" in text
    assert "Stamps, stickers or glitter" in text
