"""The report PDF sets a name in its own script in the font of its language (the letters' rule)."""

from __future__ import annotations

import io
from typing import Any

import pypdf
from flask.testing import FlaskClient

from tracker.domain.scripts import native_lang
from tracker.models import Case


def _fonts(data: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        fonts: Any = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_chinese_name_from_china_is_set_in_simplified_chinese_glyphs(
    client: FlaskClient, real_people: list[Case]
) -> None:
    response = client.get("/reports/releases/2020.pdf")
    assert response.status_code == 200
    fonts = _fonts(response.data)
    cjk = {f for f in fonts if "CJK" in f}
    # 王全璋 (Wang Quanzhang, China) in Noto Sans CJK SC, not the Japanese face fontconfig
    # falls back to; نرگس محمدی (Narges Mohammadi, Iran) in an Arabic-script face.
    assert cjk and all(f.endswith("CJK-SC") for f in cjk), fonts
    assert any("Arabic" in f for f in fonts), fonts


def test_native_lang_follows_script_and_country() -> None:
    assert native_lang("王全璋", "CN") == "zh-Hans"
    assert native_lang("劉曉波", "TW") == "zh-Hant"
    assert native_lang("黄之鋒", "HK") == "zh-Hant"
    assert native_lang("山田太郎", "JP") == "ja"
    assert native_lang("やまだ", "") == "ja"
    assert native_lang("نرگس محمدی", "IR") == "fa"
    assert native_lang("علاء عبد الفتاح", "EG") == "ar"
    assert native_lang("အောင်ဆန်းစုကြည်", "MM") == "my"
    assert native_lang("Алесь Бяляцкі", "BY") == "be"
    assert native_lang("Trần Thị Nga", "VN") == ""
