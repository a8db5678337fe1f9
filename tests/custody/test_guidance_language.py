"""The guidance page after a solidarity letter speaks its reader's language (the site's, not the
letter's), is cached per language, and does not count against the letter's four pages."""

# ruff: noqa: RUF001  (the expected texts are in their own scripts)

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import csrf_token_from
from tests.custody.test_solidarity import held_at_zanjan
from tests.pdf.conftest import pdf_text
from tracker.domain.errors import ValidationError
from tracker.models import User
from tracker.pdf import layout
from tracker.services.letters.compose import MAX_LETTER_PAGES, letter_documents, stylesheets
from tracker.services.letters.editing import update_appeal
from tracker.services.letters.pack import render_pack
from tracker.services.letters.staff import staff_card

# The guidance page's English words, none of which a French or Arabic one may print (the
# facility's own rules are its data, as staff recorded them: "Political slogans" and the note
# "Letters in Persian pass the censor fastest." stay as written).
ENGLISH_GUIDANCE = (
    "Before you post",
    "lets letters through",
    "Write in",
    "On the envelope",
    "You may enclose",
    "Do not write or enclose",
    "Notes",
    "This page is for you",
)
FRENCH = (
    "Avant d’envoyer cette lettre",
    "Langues acceptées",
    "persan",
    "Sur l’enveloppe",
    "Vous pouvez joindre",
    "À ne pas écrire ni joindre",
    "Remarques",
)
ARABIC = (
    "قبل إرسال هذه الرسالة",
    "اللغات المسموح بها",
    "الفارسية",
    "على الظرف",
    "يُسمح بإرفاق",
    "يُمنع كتابة أو إرفاق",
    "ملاحظات",
)


@pytest.fixture
def letters_app(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(tmp_path / "pdf-cache"))
    monkeypatch.setitem(app.config, "FORWARDING_ADDRESS", ["Tracker", "PO Box 1234"])
    return app


def _letters(text: str) -> str:
    # pypdf reads a right-to-left line in visual order: compare Arabic by its letters.
    return "".join(sorted(text.replace(" ", "")))


def _get(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    # Each request in its own application context, as in a server: the `db` fixture's context
    # would otherwise carry the first request's language (flask.g) into the next ones.
    app = client.application
    with app.app_context():
        return client.get(url, **kwargs)


def _guidance_page(client: FlaskClient, url: str, **kwargs: Any) -> tuple[str, str, bytes]:
    response = _get(client, url, **kwargs)
    assert response.status_code == 200, response.status_code
    pages = PdfReader(io.BytesIO(response.data)).pages
    return pages[-1].extract_text(), pages[0].extract_text(), response.data


def _holds_arabic(text: str, expected: str) -> bool:
    return _letters(expected) in {_letters(line) for line in text.splitlines()}


def test_the_guidance_page_speaks_the_readers_language_and_each_is_cached_apart(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    url = f"/cases/{case.slug}/letters/{appeal.id}.pdf"
    french, letter_fr, data_fr = _guidance_page(client, url + "?lang=fr")
    for word in FRENCH:
        assert word in french, (word, french)
    assert "Political slogans" in french  # the facility's rule, as recorded
    arabic, letter_ar, data_ar = _guidance_page(client, url + "?lang=ar")
    for word in ARABIC:
        assert _holds_arabic(arabic, word), (word, arabic)
    for text in (french, arabic):
        for word in ENGLISH_GUIDANCE:
            assert word not in text, (word, text)
    # The letter itself stays in its own language (English) whoever prints it.
    assert letter_fr == letter_ar and "You are not forgotten" in letter_fr
    # Each language has its own cached copy: the French one is never served to an Arabic
    # reader, nor the Arabic one to a French reader, and an English reader gets English.
    assert data_fr != data_ar
    assert _guidance_page(client, url + "?lang=fr")[2] == data_fr
    assert _guidance_page(client, url + "?lang=ar")[2] == data_ar
    english = _guidance_page(client, url + "?lang=en")[0]
    assert "Before you post this letter" in english and "Persian" in english
    assert not any(word in english for word in FRENCH)


def test_without_lang_the_guidance_follows_the_cookie_then_accept_language(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    letter_page = f"/cases/{case.slug}/letters/{appeal.id}"
    url = letter_page + ".pdf"
    spanish = _guidance_page(client, url, headers={"Accept-Language": "es"})[0]
    assert "Antes de enviar esta carta" in spanish and "persa" in spanish
    # The letter page was read in French (the language switcher sets the cookie): the PDF
    # downloaded next, with no `lang`, has its guidance page in French.
    assert _get(client, letter_page + "?lang=fr").status_code == 200
    french = _guidance_page(client, url, headers={"Accept-Language": "es"})[0]
    assert "Avant d’envoyer cette lettre" in french and "Antes de enviar" not in french
    # The personalised letter (the form on that page) too, its sender block stamped on page 1.
    with client.application.app_context():
        token = csrf_token_from(client, letter_page)
    with client.application.app_context():
        response = client.post(
            url,
            data={"csrf_token": token, "name": "Ana Lima", "address": "Rua 1"},
            headers={"Accept-Language": "es"},
        )
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert "Ana Lima" in pages[0].extract_text()
    assert "Avant d’envoyer cette lettre" in pages[-1].extract_text()


def test_the_guidance_document_is_right_to_left_for_an_arabic_reader(
    db: Any, caseworker: User
) -> None:
    _, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    card = staff_card(db, appeal.id)
    letter, guidance = letter_documents(card, today=dt.date.today(), organisation="O", reader="ar")
    assert guidance is not None
    assert '<html lang="ar" dir="rtl">' in guidance
    assert 'class="letter guidance script-Arab" lang="ar" dir="rtl"' in guidance
    assert 'lang="en" dir="ltr"' in letter and "guidance" not in letter.split("<body>")[1]


def _body(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {n}: you are not forgotten, and we write to you from far away." * 2
        for n in range(paragraphs)
    )


def _letter_pages(card: Any) -> int:
    html, _ = letter_documents(card, today=dt.date.today(), organisation="Tracker Human Rights")
    return max(len(layout(html, stylesheets(p), max_pages=9).pages) for p in ("a4", "letter"))


def test_a_four_page_letter_keeps_its_guidance_page_and_a_fifth_page_is_refused(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    update_appeal(db, caseworker, appeal, {"status": "draft"}, appeal.version)
    # The longest body whose letter is four pages on both papers (found by bisection, so the
    # test holds whatever the fonts' metrics).
    low, high = 1, 120
    while low < high:
        middle = (low + high + 1) // 2
        update_appeal(db, caseworker, appeal, {"body": _body(middle)}, appeal.version)
        if _letter_pages(staff_card(db, appeal.id)) <= MAX_LETTER_PAGES:
            low = middle
        else:
            high = middle - 1
    update_appeal(db, caseworker, appeal, {"body": _body(low)}, appeal.version)
    assert _letter_pages(staff_card(db, appeal.id)) == MAX_LETTER_PAGES
    # Saved active: the letter alone is checked, the guidance page after it is not counted.
    update_appeal(db, caseworker, appeal, {"status": "active"}, appeal.version)
    db.commit()
    response = _get(client, f"/cases/{case.slug}/letters/{appeal.id}.pdf?lang=fr")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == MAX_LETTER_PAGES + 1
    assert "Page 4 of 4" in pages[3].extract_text()  # the letter's own numbering
    assert "Avant d’envoyer cette lettre" in pages[4].extract_text()
    assert "Page 5" not in pdf_text(response.data)
    # One page more is refused when saved, with a message that says why.
    with pytest.raises(ValidationError) as err:
        update_appeal(db, caseworker, appeal, {"body": _body(low + 1)}, appeal.version)
    message = err.value.field_errors["body"]
    assert f"more than {MAX_LETTER_PAGES} pages" in message and "guidance page" in message

    # In a campaign pack too: two such letters are 2 x (4 + 1) pages, each guidance page in the
    # language the pack is printed for (not refused as "more than 8 pages").
    card = staff_card(db, appeal.id)
    pack = render_pack(
        [card, card],
        paper="a4",
        today=dt.date.today(),
        organisation="Tracker Human Rights",
        title="Pack",
        workers=1,
        reader="fr",
    )
    pack_pages = PdfReader(io.BytesIO(pack)).pages
    assert len(pack_pages) == 2 * (MAX_LETTER_PAGES + 1)
    for guidance in (pack_pages[4], pack_pages[9]):
        assert "Avant d’envoyer cette lettre" in guidance.extract_text()
