"""The letter's own words (closing, sender labels, signature, copies-to, page numbers) by language.

They come from gettext catalogs of their own domain, `letters`, in tracker/letter_words
(one `<locale>/LC_MESSAGES/letters.po` per language, compiled to `.mo` beside it and committed),
apart from the site's catalogs: a letter speaks its appeal's language, the page its reader's.
"""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from tracker.domain.messages import M_
from tracker.domain.scripts import text_direction
from tracker.services.letters.language import LanguageError, full_locale, letter_language

WORDS_DIR = Path(__file__).resolve().parents[2] / "letter_words"
DOMAIN = "letters"

# Every message of the catalogs (English is the source language).
MESSAGES: dict[str, str] = {
    "sender": "Sender",
    "your_name": "Your name",
    "your_address": "Your address",
    "date": "Date",
    "to": "Addressee",
    "closing": "Yours sincerely,",
    "signature": "Signature",
    "copies": "Copies to:",
    "page": "Page %(page)s of %(pages)s",
    "salutation": "%(salutation)s,",
    "logo": "%(organisation)s logo",
}


@dataclass(frozen=True)
class LetterWords:
    """The words one letter prints, in its language."""

    catalog: str
    sender: str
    your_name: str
    your_address: str
    date: str
    to: str
    closing: str
    signature: str
    copies: str
    page: str
    salutation: str
    logo: str

    @property
    def tag(self) -> str:
        """The BCP 47 tag of the catalog: zh-Hans."""
        return self.catalog.replace("_", "-")

    def logo_text(self, organisation: str) -> str:
        """The letterhead logo's text alternative in the letter's language."""
        return self.logo.replace("%(organisation)s", organisation)

    @property
    def closing_lines(self) -> list[str]:
        """The closing as printed: one or more lines (此致 / 敬礼)."""
        return self.closing.splitlines()

    @property
    def copies_label(self) -> str:
        """The copies-to heading without its punctuation (an accessible name)."""
        return self.copies.rstrip(":\uff1a\u202f ")

    def salutation_line(self, salutation: str) -> dict[str, str] | None:
        """The salutation and this language's punctuation around it ("Dear Minister" + ",").

        None is added when it already ends in punctuation (a Chinese full-width colon); None
        is returned when there is no salutation.
        """
        text = salutation.strip()
        if not text:
            return None
        # The line reads in the direction of its own words (dir="auto", done here for the PDF):
        # a Latin salutation in an Arabic letter ends with its comma on the right.
        direction = text_direction(text) or "auto"
        if unicodedata.category(text[-1]).startswith("P"):
            return {"before": "", "text": text, "after": "", "dir": direction}
        before, _, after = self.salutation.partition("%(salutation)s")
        return {"before": before, "text": text, "after": after, "dir": direction}


def available() -> tuple[str, ...]:
    """The catalogs there are, as BCP 47 tags (en, fr, ..., zh-Hans)."""
    return tuple(t.replace("_", "-") for t in _catalogs())


@lru_cache(maxsize=1)
def _catalogs() -> tuple[str, ...]:
    found = WORDS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    return tuple(sorted(p.parents[1].name for p in found))


def catalog_for(locale: Locale) -> str | None:
    """The catalog a locale uses: zh-TW finds zh_Hant, pt-BR finds pt; None when there is none."""
    language, script, territory = full_locale(locale)
    candidates = [
        "_".join(p for p in (language, script, territory) if p),
        f"{language}_{script}" if script else "",
        f"{language}_{territory}" if territory else "",
        language,
    ]
    catalogs = _catalogs()
    for name in candidates:
        if name and name in catalogs:
            return name
    return None


def has_words(tag: str) -> bool:
    """True when there are letter words in the language of `tag`."""
    try:
        return catalog_for(letter_language(tag).locale) is not None
    except LanguageError:
        return False


def require_words(tag: str) -> None:
    """Raise LanguageError naming the languages there are, when `tag` has no letter words."""
    locale = letter_language(tag).locale  # LanguageError for a tag Babel cannot parse
    if catalog_for(locale) is None:
        raise LanguageError(
            M_(
                "There are no letter words (closing, sender labels, signature) in '%(tag)s' yet; "
                "letters can be written in: %(tags)s.",
                tag=tag,
                tags=", ".join(available()),
            )
        )


@lru_cache(maxsize=128)
def catalog_name(tag: str) -> str:
    """The catalog of a language tag's words: "en" for a language without one (a draft)."""
    try:
        return catalog_for(letter_language(tag).locale) or "en"
    except LanguageError:
        return "en"


@lru_cache(maxsize=32)
def translations(name: str) -> gettext.GNUTranslations:
    """The compiled letter words of one catalog (zh_Hans), read once per process."""
    with (WORDS_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fp:
        return gettext.GNUTranslations(fp)


@lru_cache(maxsize=64)
def words_for(tag: str) -> LetterWords:
    """The words of a letter in `tag` (English when the language has no catalog: a draft)."""
    name = catalog_name(tag)
    found = translations(name)
    words = {key: found.gettext(msgid) for key, msgid in MESSAGES.items()}
    return LetterWords(catalog=name, **words)


@lru_cache(maxsize=1)
def _closings() -> frozenset[str]:
    found = {_bare(MESSAGES["closing"])}
    found.update(_bare(words_for(tag).closing_lines[0]) for tag in available())
    return frozenset(c for c in found if c)


def _bare(text: str) -> str:
    return "".join(ch for ch in text.casefold() if unicodedata.category(ch)[0] not in "PZC")


def typed_closing(body: str) -> str | None:
    """The closing a caseworker typed at the end of a body ("Yours sincerely,"), or None."""
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    for line in lines[-2:]:
        if _bare(line) in _closings():
            return line
    return None
