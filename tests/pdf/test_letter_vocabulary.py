"""{{ case.status }} and {{ case.category }} in the letter's language, and its PDF title."""

# ruff: noqa: RUF001  (the expected texts are in the letters' own scripts)

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tests.pdf.test_letter_languages import _holds, card_for
from tests.services.test_letter_language import LETTER_LANGUAGES
from tracker.domain.placeholders import PLACEHOLDER_MAX_CHARS
from tracker.domain.vocabulary import CATEGORY_LABELS, STATUS_LABELS, Category, Status
from tracker.models import User
from tracker.services.cases.editing import change_status
from tracker.services.letters.compose import letter_html
from tracker.services.letters.render import render_letter
from tracker.services.letters.terms import category_word, status_word
from tracker.services.letters.words import catalog_name, words_for

TODAY = dt.date(2024, 5, 1)

# Sentenced, and a human rights defender, as each letter prints them.
EXPECTED: dict[str, tuple[str, str, str]] = {
    "fr": ("Sous le coup d’une condamnation", "Personne qui défend les droits humains",
           "Lettre concernant Nguyen Van Dai"),
    "es": ("Con condena dictada", "Persona defensora de derechos humanos",
           "Carta relativa a Nguyen Van Dai"),
    "de": ("Verurteilt", "Person, die sich für Menschenrechte einsetzt",
           "Schreiben betreffend Nguyen Van Dai"),
    "ar": ("صدر حكم بالإدانة", "الدفاع عن حقوق الإنسان", "رسالة بشأن Nguyen Van Dai"),
    "fa": ("محکوم", "مدافع حقوق بشر", "نامه دربارهٔ Nguyen Van Dai"),
    "ru": ("Вынесен приговор", "Правозащитная деятельность", "Письмо по делу: Nguyen Van Dai"),
    "zh-Hans": ("已被判刑", "人权捍卫者", "关于Nguyen Van Dai的信函"),
    "zh-Hant": ("已被判刑", "人權捍衛者", "關於Nguyen Van Dai的信函"),
}  # fmt: skip


def _sentenced_defender(db: Any, actor: User, language: str) -> Any:
    addressee = make_addressee(db, actor, salutation="", position="")
    case = make_case(
        db, actor, f"VOC-{language}", "Nguyen Van Dai", category="human_rights_defender"
    )
    change_status(db, actor, case, "sentenced", dt.date(2018, 4, 5))
    appeal = make_appeal(
        db,
        actor,
        case,
        addressee,
        language=language,
        subject="{{ case.name }}",
        body="{{ case.status }}\n\n{{ case.category }}",
        asks=[],
    )
    return card_for(db, case, appeal)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_status_and_category_print_in_the_letters_language(
    db: Any, caseworker: User, language: str
) -> None:
    status, category, title = EXPECTED[language]
    card = _sentenced_defender(db, caseworker, language)
    data = render_letter(card, paper="a4", today=TODAY, organisation="Org")
    text = pdf_text(data)
    lines = [line.strip() for line in text.splitlines()]
    assert _holds(lines, status, language), lines
    assert _holds(lines, category, language), lines
    for english in ("Sentenced", "Human rights defender", "Letter for"):
        assert english not in text, (english, lines)
    # The document's title (its metadata) is in the letter's language too, and so is the
    # letterhead logo's text alternative.
    assert PdfReader(io.BytesIO(data)).metadata.title == title
    html = letter_html(card, today=TODAY, organisation="Org")
    assert 'alt="Org logo"' not in html and f'alt="{words_for(language).logo_text("Org")}"' in html


def test_an_english_letter_keeps_its_english_words(db: Any, caseworker: User) -> None:
    card = _sentenced_defender(db, caseworker, "en")
    data = render_letter(card, paper="a4", today=TODAY, organisation="Org")
    lines = [line.strip() for line in pdf_text(data).splitlines()]
    assert "Sentenced" in lines and "Human rights defender" in lines
    assert PdfReader(io.BytesIO(data)).metadata.title == "Letter for Nguyen Van Dai"


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
def test_every_status_and_category_has_a_word_in_every_letter_language(language: str) -> None:
    # Each letter language has its own catalog (no fallback to English), and in it a word for
    # every status and category of DESIGN.md that fits the placeholder's length.
    assert catalog_name(language).replace("_", "-") == language
    for status in Status:
        word = status_word(status, language)
        assert word and len(word) <= PLACEHOLDER_MAX_CHARS["case.status"], (status, word)
        if language != "en":
            assert word != STATUS_LABELS[status], (language, status)
    for category in Category:
        word = category_word(category, language)
        assert word and len(word) <= PLACEHOLDER_MAX_CHARS["case.category"], (category, word)
        if language != "en":
            assert word != CATEGORY_LABELS[category], (language, category)
    assert category_word("", language) == ""


def test_no_inclusive_punctuation_in_the_words_of_a_letter() -> None:
    # Formal letters to officials: neutral wordings, never "Défenseur·e" or "abogado/a".
    for language in LETTER_LANGUAGES:
        words = [status_word(s, language) for s in Status]
        words += [category_word(c, language) for c in Category]
        for word in words:
            assert not any(mark in word for mark in "·•/()"), (language, word)
