"""`tracker letters pack`: every active appeal of a campaign in one PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.commands.letters import letters
from tracker.models import User
from tracker.services.letters.editing import create_campaign


def test_letters_pack_writes_every_active_appeal_of_the_campaign(
    db: Any, runner: FlaskCliRunner, caseworker: User, tmp_path: Path
) -> None:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, caseworker)
    for i, status in enumerate(["active", "active", "draft"]):
        case = make_case(db, caseworker, f"VN-K{i}", f"Packed Person{i}")
        make_appeal(db, caseworker, case, addressee, campaign=campaign.slug, status=status)
    db.commit()
    out = tmp_path / "pack.pdf"
    result = runner.invoke(letters, ["pack", "--campaign", campaign.slug, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 letters" in result.output
    text = pdf_text(out.read_bytes())
    assert "Packed Person0" in text and "Packed Person1" in text
    assert "Packed Person2" not in text
    missing = runner.invoke(letters, ["pack", "--campaign", "nope", "-o", str(out)])
    assert missing.exit_code == 1


def test_letters_in_a_pack_do_not_number_their_pages_across_the_pack(
    db: Any, runner: FlaskCliRunner, caseworker: User, tmp_path: Path
) -> None:
    # Each letter of a pack is posted on its own: "Page 2 of 3" on a one-page letter (the pages
    # of the whole pack) would be wrong on every sheet. A single letter keeps its numbers.
    from pypdf import PdfReader

    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, caseworker)
    for i in range(3):
        case = make_case(db, caseworker, f"VN-N{i}", f"Numbered Person{i}")
        make_appeal(db, caseworker, case, addressee, campaign=campaign.slug)
    db.commit()
    out = tmp_path / "pack.pdf"
    result = runner.invoke(letters, ["pack", "--campaign", campaign.slug, "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert len(pages) == 3 and all("Numbered Person" in page for page in pages)
    assert not any(re.search(r"Page \d+ of \d+", page) for page in pages), pages
