"""Which script a name is written in, and the language tag its font follows.

A name in its own script is printed with the font of its language: Chinese names from China in
Simplified Chinese glyphs, from Taiwan or Hong Kong in Traditional ones, Japanese ones in
Japanese ones (the same Han character differs between them). The letter and the report use
this one rule (`lang` on the name; the stylesheets pick the font by `:lang()`).
"""

from __future__ import annotations

import unicodedata

# First code point of each range, last, and the script (ISO 15924) it belongs to.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0400, 0x052F, "Cyrl"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1000, 0x109F, "Mymr"),
    (0x1100, 0x11FF, "Hang"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xA9E0, 0xA9FF, "Mymr"),
    (0xAA60, 0xAA7F, "Mymr"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x20000, 0x3134F, "Hani"),
)

TRADITIONAL_CHINESE = frozenset({"TW", "HK", "MO"})
PERSIAN = frozenset({"IR", "AF", "TJ"})


def scripts_of(text: str) -> set[str]:
    """The non-Latin scripts `text` uses ("Hani", "Kana", "Arab", ...)."""
    found: set[str] = set()
    for char in text:
        point = ord(char)
        if point < 0x0400:
            continue
        for first, last, script in _RANGES:
            if first <= point <= last:
                found.add(script)
                break
    return found


def native_lang(text: str, country: str = "") -> str:
    """The language tag a name in its own script is set in ("" for Latin script).

    Han is Japanese with kana or from Japan, Korean with hangul, Traditional Chinese from
    Taiwan, Hong Kong or Macao, else Simplified Chinese; Arabic script is Persian from Iran,
    Afghanistan or Tajikistan, Urdu from Pakistan, else Arabic; Cyrillic follows the country.
    """
    scripts = scripts_of(text)
    country = (country or "").upper()
    if "Kana" in scripts or ("Hani" in scripts and country == "JP"):
        return "ja"
    if "Hang" in scripts:
        return "ko"
    if "Hani" in scripts:
        return "zh-Hant" if country in TRADITIONAL_CHINESE else "zh-Hans"
    if "Arab" in scripts:
        return "fa" if country in PERSIAN else "ur" if country == "PK" else "ar"
    if "Mymr" in scripts:
        return "my"
    if "Cyrl" in scripts:
        return {"BY": "be", "UA": "uk", "KZ": "kk", "KG": "ky", "TJ": "tg"}.get(country, "ru")
    if "Hebr" in scripts:
        return "he"
    if "Thai" in scripts:
        return "th"
    return ""


def text_direction(text: str) -> str:
    """ "ltr" or "rtl" by the first strong character outside isolated values ("" for none).

    HTML's `dir="auto"`, which WeasyPrint does not implement: a Latin sentence in an Arabic
    letter is laid out left to right. Values isolated by FSI ... PDI count only when the text
    holds nothing else.
    """
    depth = 0
    inner = ""
    for char in text:
        if char in "\u2066\u2067\u2068":
            depth += 1
        elif char == "\u2069":
            depth = max(0, depth - 1)
        else:
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "R", "AL"):
                found = "ltr" if kind == "L" else "rtl"
                if depth == 0:
                    return found
                inner = inner or found
    return inner
