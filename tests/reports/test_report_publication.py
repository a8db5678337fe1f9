"""The report as a publication: opening paragraph, stories, figures in one place, words right for
zero, one and many, comparisons forwards, two held counts; its pages rendered to PNG."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.reports.conftest import add_case
from tests.reports.test_report_outputs import pdf_text
from tracker.models import Case, User
from tracker.services.reports.data import build_release_report


def words(html: str) -> str:
    return " ".join(html.split())


def test_report_opens_with_the_instance_paragraph_and_tells_each_story(
    client: FlaskClient,
    app: Flask,
    db: Any,
    real_people: list[Case],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for case in real_people:
        case.summary = f"The story of {case.full_name}, who wrote.\n\nA second paragraph."
    db.commit()
    monkeypatch.setitem(
        app.config,
        "REPORT_INTRODUCTION",
        "In {year} our letters reached the friends of {organisation}.",
    )
    page = words(client.get("/reports/releases/2020").get_data(as_text=True))
    assert "In 2020 our letters reached the friends of Tracker Human Rights." in page
    assert "Human rights victories of 2020" in page
    # Each person's story: the first paragraph of the case's public summary.
    for case in real_people:
        assert f"The story of {case.full_name}, who wrote." in page
    assert "A second paragraph" not in page
    # The figures in one place, with both held counts side by side.
    assert "2020 in figures" in page
    assert "Held on 31 December 2020" in page and "Held at any time in 2020" in page
    assert "Contents" not in page


def test_comparisons_read_forwards_and_held_counts_differ(
    db: Any, caseworker: User, real_people: list[Case]
) -> None:
    # One more person, held through 2020: held on 31 December and at any time in the year.
    add_case(
        db, caseworker,
        {"reference": "XX-HELD", "full_name": "Still Held", "country": "FR",
         "category": "journalist", "is_public": True, "consent_publicity": True},
        [("detained", "2019-02-01", "day", None, "")],
    )  # fmt: skip
    db.commit()
    report = build_release_report(db, 2020, public=True)
    t = report["totals"]
    assert t["held_during_year"] == t["held_at_year_end"] + t["released"]
    assert t["held_during_year"] > t["held_at_year_end"]


@pytest.mark.parametrize(
    ("named", "unnamed", "expected", "refused"),
    [
        (0, 2, "2 people whose names we do not publish were released in 2020.", "and 2 others"),
        (0, 1, "1 person whose name we do not publish was released in 2020.", "and 1 other"),
        (1, 1, "and 1 other person whose name we do not publish.", "1 person whose name"),
        (1, 3, "and 3 others whose names we do not publish.", "people whose names"),
    ],
)
def test_unnamed_people_are_worded_for_zero_one_and_many(
    client: FlaskClient, db: Any, caseworker: User,
    named: int, unnamed: int, expected: str, refused: str,
) -> None:  # fmt: skip
    for n in range(named + unnamed):
        add_case(
            db, caseworker,
            {"reference": f"XX-{n}", "full_name": f"Person {n}", "country": "FR",
             "category": "journalist", "is_public": n < named, "consent_publicity": True},
            [("detained", "2019-02-01", "day", None, ""),
             ("released", "2020-03-01", "day", "pardon", "")],
        )  # fmt: skip
    db.commit()
    page = words(client.get("/reports/releases/2020").get_data(as_text=True))
    assert expected in page
    assert refused not in page


def test_comparison_with_the_year_before_reads_forwards(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    # 2019: four released; 2020: one released. "3 fewer than in 2019", never "(+4)".
    for n, year in enumerate([2019] * 4 + [2020]):
        add_case(
            db, caseworker,
            {"reference": f"YY-{n}", "full_name": f"Person {n}", "country": "FR",
             "category": "journalist", "is_public": True, "consent_publicity": True},
            [("detained", "2018-02-01", "day", None, ""),
             ("released", f"{year}-03-01", "day", "pardon", "")],
        )  # fmt: skip
    db.commit()
    page = words(client.get("/reports/releases/2020").get_data(as_text=True))
    assert "3 fewer than in 2019" in page
    assert "as many as in 2019" in page  # nobody died in either year
    assert "(+" not in page and "(\u2212" not in page
    later = words(client.get("/reports/releases/2019").get_data(as_text=True))
    assert "4 more than in 2018" in later


def ink(path: Path) -> float:
    """The share of a page that is not white."""
    image = Image.open(path).convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / sum(histogram)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_report_pages_rendered_to_png_are_full_pages_not_a_draft(
    client: FlaskClient, real_people: list[Case], tmp_path: Path
) -> None:
    pdf = client.get("/reports/releases/2020.pdf").data
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    # Three people: the first page (title, opening, figures) and the people; no contents page.
    assert 2 <= len(pages) <= 3, len(pages)
    text = pdf_text(pdf)
    assert "Contents" not in text
    first = ink(pages[0])
    assert first > 0.03, f"the first page is nearly empty ({first:.3f})"
    for page in pages[:-1]:
        assert ink(page) > 0.02, page.name
    keep = os.environ.get("TRACKER_REPORT_PNG_DIR")
    if keep:  # to look at them: TRACKER_REPORT_PNG_DIR=/tmp/pages pytest -k png
        Path(keep).mkdir(parents=True, exist_ok=True)
        for page in pages:
            shutil.copy(page, Path(keep) / page.name)
    assert dt.date.today().year >= 2020
