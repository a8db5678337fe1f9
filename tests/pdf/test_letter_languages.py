"""Letters in each of their languages: dates, closing, labels and page numbers, read back."""

# ruff: noqa: RUF001, RUF002  (the expected texts are in the letters' own scripts)

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import User
from tracker.services.letters.compose import Supporter
from tracker.services.letters.render import personalised_letter, render_letter
from tracker.services.letters.staff import staff_card
from tracker.services.letters.words import MESSAGES
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.letter_state import appeal_state
from tracker.services.publishing.objects import AppealCard

ORG = "Tracker Human Rights"
TODAY = dt.date(2024, 5, 1)

# For each letter language, as a person writes it: the fixed day (2024-05-01), the month of the
# arrest (January 2017, known to the month), the closing, the labels of the sender block and
# the signature, the copies-to heading, and page 1 of 1 in the letter's own digits.
EXPECTED: dict[str, dict[str, str]] = {
    "en": {"day": "1 May 2024", "month": "January 2017", "closing": "Yours sincerely,",
           "name": "Your name", "address": "Your address", "signature": "Signature",
           "copies": "Copies to:", "page": "Page 1 of 1"},
    "fr": {"day": "1 mai 2024", "month": "janvier 2017",
           "closing": "Je vous prie d’agréer l’expression de ma haute considération.",
           "name": "Votre nom", "address": "Votre adresse", "signature": "Signature",
           "copies": "Copie à", "page": "Page 1 sur 1"},
    "es": {"day": "1 de mayo de 2024", "month": "enero de 2017", "closing": "Atentamente,",
           "name": "Su nombre", "address": "Su dirección", "signature": "Firma",
           "copies": "Con copia a:", "page": "Página 1 de 1"},
    "pt": {"day": "1 de maio de 2024", "month": "janeiro de 2017", "closing": "Respeitosamente,",
           "name": "Nome", "address": "Endereço", "signature": "Assinatura",
           "copies": "Com cópia para:", "page": "Página 1 de 1"},
    "de": {"day": "1. Mai 2024", "month": "Januar 2017", "closing": "Mit freundlichen Grüßen",
           "name": "Ihr Name", "address": "Ihre Anschrift", "signature": "Unterschrift",
           "copies": "Kopie an:", "page": "Seite 1 von 1"},
    "ar": {"day": "1 مايو 2024", "month": "يناير 2017",
           "closing": "وتفضلوا بقبول فائق الاحترام والتقدير", "name": "الاسم",
           "address": "العنوان", "signature": "التوقيع", "copies": "نسخة إلى", "page": "صفحة"},
    "fa": {"day": "۱ مه ۲۰۲۴", "month": "ژانویه ۲۰۱۷", "closing": "با تقدیم احترام",
           "name": "نام", "address": "نشانی", "signature": "امضا", "copies": "رونوشت",
           "page": "صفحهٔ ۱ از ۱"},
    "tr": {"day": "1 Mayıs 2024", "month": "Ocak 2017", "closing": "Saygılarımla,",
           "name": "Adı Soyadı", "address": "Adres", "signature": "İmza", "copies": "Bilgi:",
           "page": "Sayfa 1 / 1"},
    "ru": {"day": "1 мая 2024\u202fг.", "month": "январь 2017\u202fг.", "closing": "С уважением,",
           "name": "Фамилия, имя", "address": "Адрес", "signature": "Подпись",
           "copies": "Копия:", "page": "Страница 1 из 1"},
    "be": {"day": "1 мая 2024\u202fг.", "month": "студзень 2017", "closing": "З павагай,",
           "name": "Прозвішча, імя", "address": "Адрас", "signature": "Подпіс",
           "copies": "Копія:", "page": "Старонка 1 з 1"},
    "uk": {"day": "1 травня 2024\u202fр.", "month": "січень 2017\u202fр.", "closing": "З повагою,",
           "name": "Прізвище, ім’я", "address": "Адреса", "signature": "Підпис",
           "copies": "Копія:", "page": "Сторінка 1 з 1"},
    "az": {"day": "1 may 2024", "month": "yanvar 2017", "closing": "Hörmətlə,",
           "name": "Soyadı, adı", "address": "Ünvan", "signature": "İmza", "copies": "Surəti:",
           "page": "Səhifə 1 / 1"},
    "zh-Hans": {"day": "2024年5月1日", "month": "2017年1月", "closing": "此致",
                "name": "姓名", "address": "地址", "signature": "签名", "copies": "抄送：",
                "page": "第1页，共1页"},
    "zh-Hant": {"day": "2024年5月1日", "month": "2017年1月", "closing": "此致",
                "name": "姓名", "address": "地址", "signature": "簽名", "copies": "副本抄送：",
                "page": "第1頁，共1頁"},
    "vi": {"day": "1 tháng 5, 2024", "month": "tháng 1 năm 2017", "closing": "Trân trọng,",
           "name": "Họ và tên", "address": "Địa chỉ", "signature": "Chữ ký",
           "copies": "Đồng kính gửi:", "page": "Trang 1/1"},
    "my": {"day": "၂၀၂၄ မေ ၁", "month": "၂၀၁၇ ဇန်နဝါရီ", "closing": "လေးစားစွာဖြင့်",
           "name": "အမည်", "address": "လိပ်စာ", "signature": "လက်မှတ်", "copies": "မိတ္တူကို",
           "page": "စာမျက်နှာ ၁/၁"},
}  # fmt: skip

# The English letter words none of the other letters may print (where the language's own word
# is not the same one, as French "Signature").
ENGLISH_WORDS = ("Your name", "Your address", "Yours sincerely", "Signature", "Copies to", "Page")


def _seen(text: str, language: str) -> str:
    """Text as pypdf reads it back, undoing what its extraction (not the letter) changes.

    pypdf reads right-to-left lines in visual order and numbers in them the wrong way round
    ("2024  مايو1" for "1 مايو 2024"), and puts Burmese's vowel sign E (U+1031), drawn before
    its consonant, where it is drawn. So for those letters a line is compared by its letters,
    and the PNG renders (docs/performance.md) show the order as printed.
    """
    if language in ("ar", "fa"):
        return "".join(sorted(text.replace(" ", "")))
    if language == "my":
        return text.replace("\u1031", "").replace(" ", "")
    return text


def _holds(lines: list[str], expected: str, language: str) -> bool:
    return _seen(expected, language) in {_seen(line, language) for line in lines}


def _contains(text: str, expected: str, language: str) -> bool:
    if language == "my":
        return _seen(expected, language) in _seen(text, language)
    return expected in text


def card_for(db: Any, case: Any, appeal: Any) -> AppealCard:
    person, public_appeal = public_service.public_appeal(db, case.slug, appeal.id)
    return AppealCard(person, public_appeal)


def _letter(db: Any, actor: User, language: str, **fields: Any) -> AppealCard:
    addressee = make_addressee(db, actor, salutation="", name="Addressee One", position="")
    copy = make_addressee(db, actor, name="Copy Two", salutation="", position="")
    case = make_case(db, actor, f"LANG-{language}", "Tran Thi Nga")
    data = {
        "language": language,
        "subject": "{{ case.name }}",
        "body": "{{ case.detained_since }}\n\n{{ today }}",
        "asks": [],
        "copies_to": [copy.id],
        **fields,
    }
    return card_for(db, case, make_appeal(db, actor, case, addressee, **data))


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_letter_in_each_language_prints_its_dates_closing_and_labels(
    db: Any, caseworker: User, language: str, tmp_path: Any
) -> None:
    card = _letter(db, caseworker, language)
    expected = EXPECTED[language]
    text = pdf_text(render_letter(card, paper="a4", today=TODAY, organisation=ORG))
    lines = [line.strip() for line in text.splitlines()]
    # {{ case.detained_since }}, known to the month, and {{ today }}, each its own paragraph.
    assert _holds(lines, expected["month"], language), lines
    assert _holds(lines, expected["day"], language), lines
    for key in ("closing", "name", "address", "signature", "copies", "page"):
        assert _contains(text, expected[key], language), (key, expected[key], lines)
    own = {expected[k] for k in ("closing", "name", "address", "signature", "copies", "page")}
    if language != "en":
        for word in ENGLISH_WORDS:
            if not any(word in mine for mine in own):
                assert word not in text, (word, lines)
    # The personalised letter stamps the date in the letter's language beside the sender.
    state = appeal_state(db, card.case.slug, card.appeal.id)
    supporter = Supporter.from_form("Ana Lima", "Rua 1")
    data = personalised_letter(
        tmp_path, state, card, supporter, paper="a4", today=TODAY, organisation=ORG
    )
    stamped = [line.strip() for line in pdf_text(data).splitlines()]
    seen = [_seen(line, language) for line in stamped]
    assert seen.count(_seen(expected["day"], language)) == 2, stamped  # sender's and {{ today }}
    assert _seen(expected["name"], language) not in seen


def test_every_english_letter_word_is_checked() -> None:
    # The list above covers every message a letter prints in its sender block and at its end.
    for key in ("your_name", "your_address", "signature", "closing", "copies", "page"):
        assert any(MESSAGES[key].startswith(word) for word in ENGLISH_WORDS), key


def test_latin_address_line_in_an_arabic_letter_keeps_its_order(db: Any, caseworker: User) -> None:
    addressee = make_addressee(
        db,
        caseworker,
        name="النائب العام",
        position="",
        institution="",
        address_lines=["24 Corrected Street", "شارع الجامعة 5"],
        country="EG",
        salutation="Dear Prosecutor General",
    )
    case = make_case(db, caseworker, "EG-1", "Alaa Abd El-Fattah", country="EG")
    appeal = make_appeal(
        db,
        caseworker,
        case,
        addressee,
        language="ar",
        subject="الإفراج عن {{ case.name }}",
        body="نطالب بالإفراج عن {{ case.name }} فوراً",
        asks=[],
    )
    text = pdf_text(
        render_letter(card_for(db, case, appeal), paper="a4", today=TODAY, organisation=ORG)
    )
    lines = [line.strip() for line in text.splitlines()]
    assert "24 Corrected Street" in lines, lines  # not "Corrected Street 24"
    assert "Corrected Street 24" not in text
    # The Latin salutation keeps its words in order and takes the Arabic comma at its end.
    assert "Dear Prosecutor General،" in lines, lines
    assert ",Dear" not in text and "General," not in text
    assert "Alaa Abd El-Fattah" in text


def _font_names(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.mark.parametrize(
    ("language", "face", "never"),
    [
        ("zh-Hans", "Noto-Serif-CJK-SC", ("CJK-TC", "CJK-JP")),
        ("zh-Hant", "Noto-Serif-CJK-TC", ("CJK-SC", "CJK-JP")),
        ("zh-TW", "Noto-Serif-CJK-TC", ("CJK-SC", "CJK-JP")),
        ("ja", "Noto-Serif-CJK-JP", ("CJK-SC", "CJK-TC")),
        ("my", "Noto-Sans-Myanmar", ("CJK-TC", "CJK-JP")),
        ("fa", "Noto-Naskh-Arabic", ("CJK-TC", "CJK-JP")),
        ("ru", "Noto-Serif", ("CJK-TC", "CJK-JP", "DejaVu")),
    ],
)
def test_the_font_follows_the_script_and_the_tag(
    db: Any, caseworker: User, language: str, face: str, never: tuple[str, ...]
) -> None:
    # The same Han characters (骨 and 直 are drawn differently in Simplified and Traditional
    # Chinese and in Japanese) in every letter: the tag decides the glyphs; other scripts fall
    # back to Simplified Chinese. A draft, as Japanese has no letter words to activate with.
    addressee = make_addressee(db, caseworker, salutation="")
    case = make_case(db, caseworker, f"FONT-{language}", "Person Font")
    appeal = make_appeal(
        db, caseworker, case, addressee, language=language, status="draft", subject="S",
        body="骨直 {{ case.detained_since }}", asks=[],
    )  # fmt: skip
    card = staff_card(db, appeal.id)
    fonts = _font_names(render_letter(card, paper="a4", today=TODAY, organisation=ORG))
    assert face in fonts, fonts
    assert not any(n in f for f in fonts for n in never), fonts
