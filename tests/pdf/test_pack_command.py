"""`tracker letters pack`: every active appeal of a campaign in one PDF."""

from __future__ import annotations

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
