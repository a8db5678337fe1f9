"""CJK faces subset in one pass (tracker.pdf_fonts): the glyphs WeasyPrint's own subsets draw."""

# ruff: noqa: RUF001  (the letters are written in Chinese and Japanese)

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import User
from tracker.pdf import layout, render_pdf
from tracker.pdf_fonts import SPARE_GLYPHS
from tracker.services.letters.compose import letter_html, stylesheets
from tracker.services.letters.staff import staff_card

ORG = "Tracker Human Rights"
TODAY = dt.date(2024, 5, 1)


def embedded_fonts(data: bytes) -> dict[str, tuple[bytes, list[int]]]:
    """Each embedded face of page 1 by its PDF name: the font file and the glyph ids drawn."""
    fonts = {}
    for font in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        descriptor = cid_font["/FontDescriptor"].get_object()
        stream = next(descriptor[k] for k in ("/FontFile3", "/FontFile2") if k in descriptor)
        drawn, widths = [], list(cid_font["/W"])  # [first [w w ...] first [w ...] ...]
        for first, run in zip(widths[::2], widths[1::2], strict=True):
            drawn += range(int(first), int(first) + len(run))
        name = str(font["/BaseFont"]).split("+", 1)[1]
        fonts[name] = (stream.get_object().get_data(), drawn)
    return fonts


def glyphs(font_file: bytes, drawn: list[int]) -> list[tuple[Any, ...]]:
    """Per glyph drawn: its name, outline (CFF charstring) and horizontal and vertical metrics."""
    font = TTFont(io.BytesIO(font_file))
    charstrings = font["CFF "].cff[0].CharStrings
    out = []
    for gid in drawn:
        name = font.getGlyphName(gid)
        charstring = charstrings[name]
        charstring.compile()
        vertical = font["vmtx"][name] if "vmtx" in font else None
        out.append((gid, name, charstring.bytecode, font["hmtx"][name], vertical))
    return out


def png(data: bytes, path: Path) -> bytes:
    path.with_suffix(".pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(path.with_suffix(".pdf")), str(path)],
        check=True,
    )
    return path.with_suffix(".png").read_bytes()


@pytest.mark.parametrize(
    ("language", "name", "text", "face"),
    [
        ("zh-Hans", "王全璋", "我恳请您立即采取行动！", "Noto-Serif-CJK-SC"),
        ("zh-Hant", "劉曉波", "我懇請您立即採取行動！", "Noto-Serif-CJK-TC"),
        ("ja", "山田太郎", "直ちに釈放してください！", "Noto-Serif-CJK-JP"),
    ],
)
def test_a_cjk_letter_draws_the_glyphs_of_weasyprints_own_subsets(
    db: Any, caseworker: User, tmp_path: Path, language: str, name: str, text: str, face: str
) -> None:
    # The subject and the copies-to heading are bold: both faces are subset. Fullwidth colons
    # and exclamation marks have variants the TC and JP faces name (variation sequences).
    addressee = make_addressee(db, caseworker, name="应勇", salutation="尊敬的检察长：")
    copy = make_addressee(db, caseworker, name="王毅", salutation="")
    case = make_case(db, caseworker, f"SUB-{language}", "Wang Quanzhang", name_native=name)
    appeal = make_appeal(
        db, caseworker, case, addressee, language=language, status="draft",
        subject="关于：{{ case.name_native }}", body=f"{{{{ case.name_native }}}}骨直。\n\n{text}",
        asks=["立即释放"], copies_to=[copy.id],
    )  # fmt: skip
    html = letter_html(staff_card(db, appeal.id), today=TODAY, organisation=ORG)

    ours = render_pdf(html, stylesheets("a4"))
    # The same letter written by WeasyPrint as shipped (two subsetting passes a face).
    as_shipped = layout(html, stylesheets("a4")).write_pdf(pdf_tags=True)

    assert f"关于：{name}" in pdf_text(ours) and f"{name}骨直。" in pdf_text(ours)
    assert text in pdf_text(ours)
    fonts, shipped = embedded_fonts(ours), embedded_fonts(as_shipped)
    assert {face, f"{face}-Bold"} <= set(fonts) and set(fonts) == set(shipped), sorted(fonts)
    for font_name, (font_file, drawn) in fonts.items():
        assert drawn == shipped[font_name][1], font_name
        assert glyphs(font_file, drawn) == glyphs(shipped[font_name][0], drawn), font_name
        assert len(font_file) <= len(shipped[font_name][0]) + 8 * SPARE_GLYPHS, font_name
    if shutil.which("pdftoppm"):  # poppler-utils (scripts/system-deps)
        assert png(ours, tmp_path / "ours") == png(as_shipped, tmp_path / "shipped")
