"""The language of a letter: tags Babel knows, letter words required to activate, catalogs whole."""

# ruff: noqa: RUF001  (salutations and closings are in the letters' own scripts)

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.domain.errors import ValidationError
from tracker.models import Appeal, User
from tracker.services.letters.editing import create_appeal, update_appeal
from tracker.services.letters.language import letter_language
from tracker.services.letters.render import render_letter
from tracker.services.letters.terms import catalog_messages
from tracker.services.letters.words import MESSAGES, WORDS_DIR, available
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.objects import AppealCard

LETTER_LANGUAGES = (
    "en fr es pt de ar fa tr ru be uk az zh-Hans zh-Hant vi my".split()  # noqa: SIM905
)


def _count(db: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(Appeal)))


@pytest.mark.parametrize("language", ["xx", "zz-ZZ", "tlh"])
def test_a_tag_babel_cannot_parse_is_refused_with_a_clear_message(
    db: Any, caseworker: User, language: str
) -> None:
    case = make_case(db, caseworker, "LANG-XX", "Person Lang")
    with pytest.raises(ValidationError) as err:
        create_appeal(db, caseworker, case, {"language": language, "subject": "S", "body": "B"})
    message = err.value.field_errors["language"]
    assert f"'{language}' is not a language Babel knows" in message
    assert _count(db) == 0


def test_a_language_without_letter_words_is_refused_at_activation_naming_those_there_are(
    db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "LANG-JA", "Person Lang")
    fields = {"language": "ja", "subject": "S", "body": "B"}
    with pytest.raises(ValidationError) as err:
        create_appeal(db, caseworker, case, {**fields, "status": "active"})
    message = err.value.field_errors["language"]
    assert "no letter words" in message and "'ja'" in message
    for tag in LETTER_LANGUAGES:
        assert tag in message
    assert _count(db) == 0
    # A draft in that language may be prepared; activating it is refused and changes nothing.
    draft = create_appeal(db, caseworker, case, {**fields, "status": "draft"})
    with pytest.raises(ValidationError) as err:
        update_appeal(db, caseworker, draft, {"status": "active"}, draft.version)
    assert "letters can be written in: " in err.value.field_errors["language"]


def test_regional_tags_find_their_letter_words(db: Any, caseworker: User) -> None:
    case = make_case(db, caseworker, "LANG-TW", "Person Lang")
    for tag in ("zh-TW", "pt-BR", "ar-EG", "fr-CA", "zh-CN"):
        create_appeal(
            db, caseworker, case, {"language": tag, "subject": "S", "body": "B", "status": "active"}
        )
    assert _count(db) == 5


def test_every_letter_language_has_letter_words() -> None:
    assert set(LETTER_LANGUAGES) <= set(available())


@pytest.mark.parametrize("po_path", sorted(WORDS_DIR.glob("*/LC_MESSAGES/letters.po")))
def test_every_letter_catalog_compiles_with_nothing_untranslated(po_path: Path) -> None:
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=po_path.parents[1].name)
    ids = {(m.context, m.id) for m in catalog if m.id}
    # Every message (the letter's words, its statuses and categories, the title and the guidance
    # page), and no stale one.
    assert ids == catalog_messages(), (po_path, ids ^ catalog_messages())
    assert {m for _, m in ids} >= set(MESSAGES.values())
    for message in catalog:
        if not message.id:
            continue
        assert message.string and not message.fuzzy, (po_path, message.id)
        marks = ("%(page)s", "%(pages)s", "%(salutation)s", "%(name)s", "%(facility)s")
        marks += ("%(organisation)s",)
        for mark in marks:
            assert (mark in message.id) == (mark in message.string), (po_path, message.id)
    assert not list(catalog.check()), po_path
    # The committed .mo is this .po compiled (so `make run` needs no compile step).
    with po_path.with_suffix(".mo").open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    for message in catalog:
        if message.id and message.context:
            found = compiled.pgettext(message.context, str(message.id))
            assert found == message.string, (po_path, message.id)
        elif message.id:
            assert compiled.gettext(str(message.id)) == message.string, (po_path, message.id)


def test_partial_dates_are_written_in_the_letters_language() -> None:
    may_2015 = dt.date(2015, 5, 1)
    assert letter_language("fr").date(may_2015, "month") == "mai 2015"
    assert letter_language("zh-Hans").date(may_2015, "month") == "2015年5月"
    assert letter_language("zh-Hans").date(may_2015, "year") == "2015年"
    assert letter_language("fa").date(dt.date(2016, 11, 21)) == "۲۱ نوامبر ۲۰۱۶"
    assert letter_language("en").date(dt.date(2016, 11, 21)) == "21 November 2016"
    assert letter_language("my").number(2677) == "၂,၆၇၇"
    assert letter_language("fr").duration(2900) == "7 ans"


def _card(db: Any, case: Any, appeal: Any) -> AppealCard:
    person, public_appeal = public_service.public_appeal(db, case.slug, appeal.id)
    return AppealCard(person, public_appeal)


@pytest.mark.parametrize(
    ("language", "salutation", "printed", "never"),
    [
        ("zh-Hans", "尊敬的张检察长：", "尊敬的张检察长：", "尊敬的张检察长：,"),
        ("zh-Hans", "尊敬的张检察长", "尊敬的张检察长：", "尊敬的张检察长,"),
        ("fa", "جناب آقای سفیر،", "جناب آقای سفیر،", "،,"),
        ("es", "Estimado Sr. Fiscal", "Estimado Sr. Fiscal:", "Fiscal,"),
        ("ru", "Уважаемый господин прокурор", "Уважаемый господин прокурор!", "прокурор,"),
        ("en", "Dear Prosecutor", "Dear Prosecutor,", "Dear Prosecutor,,"),
    ],
)
def test_salutation_takes_the_punctuation_of_its_language_once(
    db: Any, caseworker: User, language: str, salutation: str, printed: str, never: str
) -> None:
    addressee = make_addressee(db, caseworker, salutation=salutation)
    case = make_case(db, caseworker, f"SAL-{language}", "Person Sal")
    appeal = make_appeal(
        db, caseworker, case, addressee, language=language, body="Text.", subject="S", asks=[]
    )
    text = pdf_text(
        render_letter(
            _card(db, case, appeal), paper="a4", today=dt.date(2024, 5, 1), organisation="Org"
        )
    )
    lines = [line.strip() for line in text.splitlines()]
    assert printed in lines, lines
    assert never not in text


def test_a_body_that_greets_itself_gets_no_second_salutation(db: Any, caseworker: User) -> None:
    addressee = make_addressee(db, caseworker, salutation="Your Excellency")
    case = make_case(db, caseworker, "SAL-TWICE", "Person Twice")
    appeal = make_appeal(
        db, caseworker, case, addressee, body="{{ addressee.salutation }},\n\nI write.", asks=[]
    )
    text = pdf_text(
        render_letter(
            _card(db, case, appeal), paper="a4", today=dt.date(2024, 5, 1), organisation="Org"
        )
    )
    assert text.count("Your Excellency") == 1, text


@pytest.mark.parametrize("closing", ["Yours sincerely,", "Atentamente,", "此致\n敬礼！"])
def test_a_typed_closing_is_refused_because_the_letter_adds_it(
    db: Any, caseworker: User, closing: str
) -> None:
    case = make_case(db, caseworker, "CLOSE-1", "Person Close")
    body = f"I write about {{{{ case.name }}}}.\n\n{closing}"
    with pytest.raises(ValidationError) as err:
        create_appeal(db, caseworker, case, {"subject": "S", "body": body})
    assert "prints its closing and signature itself" in err.value.field_errors["body"]
    assert _count(db) == 0


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Viêt Nam · 7 ans · 2 677 · janvier 2017"),
        ("zh-Hans", "越南 · 7年 · 2,677 · 2017年1月"),
        ("fa", "ویتنام · ۷ سال · ۲٬۶۷۷ · ژانویه ۲۰۱۷"),
    ],
)
def test_placeholders_are_filled_in_the_letters_language(
    db: Any, caseworker: User, language: str, expected: str
) -> None:
    addressee = make_addressee(db, caseworker, salutation="")
    case = make_case(db, caseworker, f"FILL-{language}", "Person Fill")
    body = (
        "{{ case.country }} · {{ case.time_detained }} · {{ case.days_detained }} · "
        "{{ case.detained_since }}"
    )
    appeal = make_appeal(db, caseworker, case, addressee, language=language, body=body, asks=[])
    # Arrested in January 2017 (known to the month); 2,677 days on 2024-05-01.
    text = pdf_text(
        render_letter(
            _card(db, case, appeal), paper="a4", today=dt.date(2024, 5, 1), organisation="Org"
        )
    )
    if language == "fa":  # pypdf reads right-to-left lines in visual order: compare letters
        lines = {"".join(sorted(line.replace(" ", ""))) for line in text.splitlines()}
        assert "".join(sorted(expected.replace(" ", ""))) in lines, text
    else:
        assert expected in " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split()), text
