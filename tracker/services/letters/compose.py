"""What a letter says: its context from public data only, and its HTML in the document template.

The caseworker's subject and body are filled in by the placeholder sandbox
(tracker.domain.placeholders); the document itself is rendered in the shared environment of
tracker.services.templating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import weasyprint
from markupsafe import Markup

from tracker.domain.messages import M_
from tracker.domain.placeholders import (
    PlaceholderError,
    build_context,
    render_letter_text,
    value_too_long,
    worst_case_context,
)
from tracker.domain.scripts import text_direction
from tracker.paths import STATIC_DIR, TEMPLATES_DIR
from tracker.services.custody.addressing import letter_parts
from tracker.services.letters.language import LanguageError, LetterLanguage, letter_language
from tracker.services.letters.localise import localised_addressee, localised_case, page_style
from tracker.services.letters.terms import guidance_words, title_for
from tracker.services.letters.words import WORDS_DIR, words_for
from tracker.services.publishing.objects import AppealCard, PublicCase
from tracker.services.templating import render_document

PAPERS = ("a4", "letter")
LETTER_STYLES = ("css/letter.css",)
MAX_LETTER_PAGES = 4
# The guidance page after a solidarity letter is laid out apart and does not count against
# MAX_LETTER_PAGES; the longest rules a facility may hold (check_rules' limits) fit in this.
MAX_GUIDANCE_PAGES = 12
# A letter is checked at save and activation in well under this; a download in about 0.06 s.
LETTER_SECONDS = 5.0
# A generous estimate of what fits: a line of 11 pt text holds about 90 characters and a page
# about 50 lines, so a text that needs more lines than this cannot fit on MAX_LETTER_PAGES
# pages (a one-letter line still takes a line). Refused before any layout.
CHARS_PER_LINE = 90
MAX_LETTER_LINES = MAX_LETTER_PAGES * 50
MAX_SENDER_NAME = 120
MAX_SENDER_ADDRESS = 400
MAX_SENDER_LINES = 5
# A body that starts with the salutation placeholder already greets: the letter adds none.
_GREETS_RE = re.compile(r"^\s*\{\{-?\s*addressee\.salutation\b")


class LetterError(Exception):
    """A letter that cannot be rendered; the message is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_many_pages_message() -> str:
    """Why a letter longer than MAX_LETTER_PAGES is refused (its guidance page not counted)."""
    return M_(
        "This letter cannot be printed: it takes more than %(most)s pages, and a letter has at "
        "most %(most)s (a solidarity letter's guidance page is not counted). Shorten its text "
        "or its asks.",
        most=MAX_LETTER_PAGES,
    )


@dataclass(frozen=True, slots=True)
class Supporter:
    """The sender typed into the personalisation form; used for one PDF, never stored."""

    name: str
    address: str

    @classmethod
    def from_form(cls, name: str, address: str) -> Supporter:
        """Trim and bound what a supporter typed; raise LetterError when unusable."""
        name = " ".join((name or "").split())
        lines = [" ".join(line.split()) for line in (address or "").splitlines()]
        lines = [line for line in lines if line]
        if not name:
            raise LetterError(M_("Please give your name."))
        if len(name) > MAX_SENDER_NAME or sum(map(len, lines)) > MAX_SENDER_ADDRESS:
            raise LetterError(M_("Your name or address is too long for the sender block."))
        if len(lines) > MAX_SENDER_LINES:
            raise LetterError(M_("Use at most %(lines)s address lines.", lines=MAX_SENDER_LINES))
        return cls(name, "\n".join(lines))


@lru_cache(maxsize=1)
def template_version() -> str:
    """A hash of the letter templates, stylesheets, logo, words and renderer: in every cache key."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    files = (
        sorted((TEMPLATES_DIR / "letters").glob("*.html"))
        + sorted((STATIC_DIR / "css").glob("letter*.css"))
        + [STATIC_DIR / "img" / "logo.svg"]
        # The letter's words: a corrected translation renews every cached letter.
        + sorted(WORDS_DIR.glob("*/LC_MESSAGES/letters.mo"))
    )
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def language_parts(tag: str) -> tuple[str, str, str]:
    """(lang, dir, catalog) for a BCP 47 tag: `fa` is right to left; its words' catalog."""
    try:
        language = letter_language(tag or "en")
    except LanguageError:  # an older row saved before tags were checked: print it as English
        return tag or "en", "ltr", "en"
    return language.tag, language.direction, words_for(language.tag).catalog


def _paragraphs(text: Markup) -> Markup:
    # `text` is fully escaped already; only our own <p dir> and <br> are added. Each paragraph
    # takes the direction of its own first strong letter (dir="auto", done here for the PDF).
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return Markup(  # noqa: S704
        "".join(f'<p dir="{_direction(p)}">{p.replace(chr(10), "<br>")}</p>' for p in paragraphs)
    )


def _direction(escaped: str) -> str:
    return text_direction(html.unescape(escaped)) or "auto"


def letter_context(
    card: AppealCard,
    *,
    today: dt.date,
    sender_mode: str,
    supporter: Supporter | None = None,
    stamp: bool = False,
    worst_case: bool = False,
    reader: str = "en",
) -> dict[str, Any]:
    """What the letter template prints: plain values, the caseworker's text filled in.

    With `worst_case`, every placeholder holds the longest value its field allows. `reader` is
    the language of whoever prints the letter (the site's): a solidarity letter's guidance page
    speaks it, whatever the letter's own language.
    """
    case, appeal = card.case, card.appeal
    language = _language(appeal.language)
    words = words_for(language.tag)
    if worst_case:
        context = worst_case_context(today)
    else:
        context = build_context(
            case=localised_case(case, language, today),
            addressee=localised_addressee(appeal.addressee, language),
            supporter_name=supporter.name if supporter else "",
            supporter_address=supporter.address if supporter else "",
            today=today,
            format_date=language.date,
        )
        too_long = value_too_long(context)
        if too_long:
            # An older record longer than its field now allows: the save-time check assumed
            # the limit, so this letter is refused before any layout.
            raise LetterError(
                M_("The letter cannot be filled in: %(value)s is too long.", value=too_long)
            )
    page = f"letter-{words.tag}-{language.numbering}"
    letter: dict[str, Any] = {
        "lang": language.tag,
        "dir": language.direction,
        "script": language.script,
        "labels": words,
        "page": "" if stamp else page,
        "separator": language.separator,
        "page_style": "" if stamp else page_style(page, words, language),
        "stamp": stamp,
        "today": context["today"],
        "sender_mode": sender_mode,
        "supporter_name": supporter.name if supporter else "",
        "supporter_address_lines": supporter.address.splitlines() if supporter else [],
    }
    if stamp:
        return letter
    try:
        subject = render_letter_text(appeal.subject, context, isolate=True)
        body = _paragraphs(render_letter_text(appeal.body, context, isolate=True))
    except PlaceholderError as exc:
        raise LetterError(
            M_("The letter cannot be filled in: %(problem)s", problem=str(exc))
        ) from None
    greets = bool(_GREETS_RE.match(appeal.body))
    salutation = appeal.addressee.salutation if appeal.addressee and not greets else ""
    letter.update(
        addressee=appeal.addressee,
        copies=appeal.copies_to,
        subject=subject,
        subject_dir=_direction(str(subject)),
        body=body,
        asks=list(appeal.asks),
        salutation=words.salutation_line(salutation),
    )
    # A solidarity letter goes to the person (or the forwarding address), rules after it.
    letter.update(letter_parts(card))
    if letter.get("guidance"):
        letter["guidance_words"] = guidance_words(reader, letter["guidance"])
    return letter


def _language(tag: str) -> LetterLanguage:
    try:
        return letter_language(tag or "en")
    except LanguageError:  # an older row saved before tags were checked: print it as English
        return letter_language("en")


def letter_title(case: PublicCase, language: str = "en") -> str:
    """The PDF title of a person's letter, in the letter's language."""
    return title_for(case.name, language)


def document_html(
    letters: Sequence[dict[str, Any]], *, title: str, organisation: str, numbered: bool = True
) -> str:
    """The HTML of one or more letters (a pack is one document: fonts are embedded once).

    A pack (`numbered=False`) prints no page numbers: its letters are posted one by one, and a
    page counter would count the pages of the whole document ("Page 2 of 84" on a letter).
    """
    first = letters[0] if letters else {"lang": "en", "dir": "ltr"}
    styles = list(dict.fromkeys(lt.get("page_style", "") for lt in letters))
    if not numbered:
        names = dict.fromkeys(lt["page"] for lt in letters if lt.get("page"))
        styles += [f"@page {name} {{ @bottom-center {{ content: none; }} }}" for name in names]
    return render_document(
        "letters/document.html",
        letters=letters,
        title=title,
        organisation=organisation,
        doc_lang=first["lang"],
        doc_dir=first["dir"],
        # One named page per language of the document: its page numbers in its words and digits.
        page_styles=Markup("\n".join(styles)),  # noqa: S704  (CSS built from our catalogs, quoted)
        letter=None,
    )


def stylesheets(paper: str, *extra: str) -> list[str]:
    """The stylesheets of a letter on A4 or Letter paper, and any extra ones."""
    if paper not in PAPERS:
        raise LetterError(M_("Choose A4 or Letter paper."))
    return [*LETTER_STYLES, f"css/letter-{paper}.css", *extra]


def letter_html(
    card: AppealCard,
    *,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    supporter: Supporter | None = None,
    reader: str = "en",
) -> str:
    """The HTML of one letter: sender `lines` to fill by hand, `blank` space, or `filled`.

    A solidarity letter's guidance page is part of it (the staff preview shows both).
    """
    letter = letter_context(
        card, today=today, sender_mode=sender_mode, supporter=supporter, reader=reader
    )
    return document_html(
        [letter], title=letter_title(card.case, letter["lang"]), organisation=organisation
    )


def letter_documents(
    card: AppealCard,
    *,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    supporter: Supporter | None = None,
    reader: str = "en",
) -> tuple[str, str | None]:
    """The HTML of a letter and of its guidance page apart (None when it has none).

    The guidance page is printed after the letter but is not part of it: it is laid out on its
    own, in its reader's language, so it neither counts against the letter's MAX_LETTER_PAGES
    nor enters the letter's page numbers ("Page 1 of 1" on a one-page letter).
    """
    letter = letter_context(
        card, today=today, sender_mode=sender_mode, supporter=supporter, reader=reader
    )
    title = letter_title(card.case, letter["lang"])
    guidance = None
    if letter.get("guidance_words"):
        letter["guidance_apart"] = True
        words = letter["guidance_words"]
        guidance = render_document(
            "letters/guidance.html",
            letter=letter,
            title=title,
            organisation=organisation,
            doc_lang=words.lang,
            doc_dir=words.dir,
        )
    return document_html([letter], title=title, organisation=organisation), guidance
