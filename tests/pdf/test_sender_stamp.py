"""A personalised letter is its cached base letter with the sender block appended as an update."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tests.pdf.test_letter_pdf import ORG, card_for
from tracker.models import User
from tracker.services.letters.compose import Supporter
from tracker.services.letters.render import cached_letter, personalised_letter, stamp_sender
from tracker.services.publishing.letter_state import appeal_state


@pytest.fixture
def letter(db: Any, caseworker: User) -> Any:
    addressee = make_addressee(db, caseworker)
    case = make_case(db, caseworker, "VN-2017-TTN", "Tran Thi Nga")
    appeal = make_appeal(db, caseworker, case, addressee)
    return card_for(db, case, appeal), appeal_state(db, case.slug, appeal.id)


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("Jane Roe-Nguyễn", "12 High Street\nOxford OX1 2AB"),
        ("ليلى أحمد", "الزمالك\nالقاهرة"),  # noqa: RUF001 - Arabic on purpose: a right-to-left sender
    ],
)
def test_personalised_letter_appends_the_sender_block_to_the_unchanged_base_letter(
    letter: Any, today: dt.date, tmp_path: Path, name: str, address: str
) -> None:
    card, state = letter
    kwargs = {"paper": "a4", "today": today, "organisation": ORG}
    supporter = Supporter.from_form(name, address)
    data = personalised_letter(tmp_path, state, card, supporter, **kwargs)
    base = cached_letter(tmp_path, state, lambda: card, sender_mode="blank", **kwargs).data

    assert data.startswith(base)  # the letter itself is not rewritten, only added to
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == len(PdfReader(io.BytesIO(base)).pages)
    text = pdf_text(data)
    for line in (name, *address.splitlines(), "Dear Minister,", "Ensure she can see a lawyer"):
        assert line in text
    assert "Your name" not in text and name not in pdf_text(base)
    # A second supporter gets the same base and only their own sender block.
    other = personalised_letter(tmp_path, state, card, Supporter.from_form("Sam Poe", ""), **kwargs)
    assert other.startswith(base)
    assert "Sam Poe" in pdf_text(other) and name not in pdf_text(other)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="apt-get install poppler-utils")
def test_the_appended_sender_block_prints_where_the_merged_one_did(
    letter: Any, today: dt.date, tmp_path: Path
) -> None:
    """Page 1 drawn by poppler is the same, pixel for pixel, as pypdf's merge of the stamp."""
    card, state = letter
    kwargs = {"paper": "a4", "today": today, "organisation": ORG}
    supporter = Supporter.from_form("Jane Roe", "12 High Street\nOxford")
    ours = personalised_letter(tmp_path, state, card, supporter, **kwargs)
    base = cached_letter(tmp_path, state, lambda: card, sender_mode="blank", **kwargs).data
    # Without a cross-reference stream to chain to, the letter is merged by pypdf instead.
    classic = io.BytesIO()
    PdfWriter(io.BytesIO(base)).write(classic)
    assert b"/XRef" not in classic.getvalue()[-2000:]
    merged = stamp_sender(classic.getvalue(), card, supporter, **kwargs)
    assert not merged.startswith(base)

    def page_one(data: bytes) -> bytes:
        path = tmp_path / "page.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-gray", str(path)],
            capture_output=True,
            check=True,
        ).stdout

    assert page_one(ours) == page_one(merged)
    assert page_one(ours) != page_one(base)
