"""The placeholder values of a letter in its language, and its page numbers in that language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.services.letters.language import LetterLanguage, LocalNumber
from tracker.services.letters.terms import category_word, status_word
from tracker.services.letters.words import LetterWords
from tracker.services.publishing.objects import PublicAddressee, PublicCase


def localised_case(case: PublicCase, language: LetterLanguage, today: dt.date) -> dict[str, Any]:
    """The case part of the placeholder context: dates, numbers, durations, status and category
    in `language`."""
    values = case.placeholder_values(today)
    found = case.detention()
    values["detained_since"] = language.date(found.start, found.start_precision) if found else ""
    days = int(values.get("days_detained") or 0)
    values["days_detained"] = LocalNumber(days, language.number(days))
    values["time_detained"] = language.duration(days) if found else ""
    values["country"] = language.country(case.country, case.country_name)
    values["status"] = status_word(case.status, language.tag)
    values["category"] = category_word(case.category, language.tag)
    return values


def localised_addressee(
    addressee: PublicAddressee | None, language: LetterLanguage
) -> dict[str, Any] | None:
    """The addressee part of the placeholder context, the country named in `language`."""
    if addressee is None:
        return None
    values = addressee.placeholder_values()
    values["country"] = language.country(addressee.country, addressee.country_name)
    return values


def _css_string(text: str) -> str:
    # Our own catalog text, quoted for CSS (a <style> element is not HTML-unescaped).
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ").replace(">", "\\3e ") + '"'


def page_content(words: LetterWords, language: LetterLanguage) -> str:
    """The CSS `content` of a page number in the letter's words and digits: "Page 1 of 2"."""
    style = language.counter_style
    parts: list[str] = []
    rest = words.page
    while rest:
        marks = [(rest.find(m), m) for m in ("%(pages)s", "%(page)s") if m in rest]
        if not marks:
            parts.append(_css_string(rest))
            break
        index, mark = min(marks)
        if index:
            parts.append(_css_string(rest[:index]))
        counter = "pages" if mark == "%(pages)s" else "page"
        parts.append(f"counter({counter}, {style})")
        rest = rest[index + len(mark) :]
    return " ".join(parts)


# The footer is outside the letter's <article>: it takes the letter's font here (Traditional
# Chinese page numbers in Traditional glyphs). The same families as css/letter.css.
FOOTER_FONTS = {
    "Arab": '"Noto Naskh Arabic", "Noto Serif"',
    "Hans": '"Noto Serif CJK SC", "Noto Serif"',
    "Hant": '"Noto Serif CJK TC", "Noto Serif"',
    "Jpan": '"Noto Serif CJK JP", "Noto Serif"',
    "Kore": '"Noto Serif CJK KR", "Noto Serif"',
    "Mymr": '"Noto Sans Myanmar", "Noto Serif"',
}


def page_style(name: str, words: LetterWords, language: LetterLanguage) -> str:
    """A named page whose footer numbers pages in the letter's words and digits, and its lists
    numbered in the same digits (Persian and Burmese letters do not count in Latin digits)."""
    font = FOOTER_FONTS.get(language.script, '"Noto Serif"')
    footer = f"content: {page_content(words, language)}; font-family: {font}, serif;"
    return (
        f"@page {name} {{ @bottom-center {{ {footer} }} }}\n"
        f".letter.{name} {{ page: {name}; }}\n"
        f".letter.{name} ol {{ list-style-type: {language.counter_style}; }}"
    )
