"""The language of a letter: its tag checked by Babel, its direction, digits, dates and numbers.

A letter is written in its appeal's language throughout. Dates, numbers and durations come from
CLDR through Babel in that language, written in the digits CLDR gives the locale by default:
Persian (`fa`) and Burmese (`my`) letters use their own digits, `ar-EG` and `ar-SA` Arabic-Indic
digits, plain `ar` (CLDR: Latin digits, the Maghreb's and most official sites' usage) Latin ones.
Babel formats dates with Latin digits in every language, so the digits are replaced here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal

from tracker.domain.messages import M_
from tracker.domain.vocabulary import Precision

LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_TAG_CHARS = 35

# The digits of CLDR numbering systems a letter may use, and the CSS counter style (predefined
# in WeasyPrint's user-agent stylesheet) that writes page numbers in the same digits.
DIGITS: dict[str, tuple[str, str]] = {
    "latn": ("0123456789", "decimal"),
    "arab": ("٠١٢٣٤٥٦٧٨٩", "arabic-indic"),
    "arabext": ("۰۱۲۳۴۵۶۷۸۹", "persian"),
    "mymr": ("၀၁၂၃၄၅၆၇၈၉", "myanmar"),
    "beng": ("০১২৩৪৫৬৭৮৯", "bengali"),
    "deva": ("०१२३४५६७८९", "devanagari"),
    "thai": ("๐๑๒๓๔๕๖๗๘๙", "thai"),
    "khmr": ("០១២៣៤៥៦៧៨៩", "khmer"),
    "laoo": ("໐໑໒໓໔໕໖໗໘໙", "lao"),
    "tibt": ("༠༡༢༣༤༥༦༧༨༩", "tibetan"),
}

# The comma between a name and a position, by script (CLDR's list patterns say "and" in Arabic).
SEPARATORS = {
    "Arab": "\u060c ",
    "Hans": "\uff0c",
    "Hant": "\uff0c",
    "Jpan": "\u3001",
    "Mymr": "\u104a ",
}


class LanguageError(ValueError):
    """A language tag a letter cannot use; the message is for people."""


def parse_tag(tag: str) -> Locale:
    """The Babel locale of a BCP 47 tag; LanguageError when Babel does not know it ("xx")."""
    text = (tag or "").strip()
    if not text or len(text) > MAX_TAG_CHARS or not LANGUAGE_RE.match(text):
        raise LanguageError(
            M_("'%(tag)s' is not a language tag; use one such as en, fa or zh-Hans.", tag=text)
        )
    try:
        return Locale.parse(text.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise LanguageError(
            M_(
                "'%(tag)s' is not a language Babel knows; use a tag such as en, fa or zh-Hans.",
                tag=text,
            )
        ) from None


def full_locale(locale: Locale) -> tuple[str, str, str]:
    """(language, script, territory) with CLDR's likely script filled in: zh-TW is Hant."""
    likely: Mapping[str, str] = get_global("likely_subtags")
    script, territory = locale.script or "", locale.territory or ""
    if not script:
        for key in (f"{locale.language}_{territory}", locale.language):
            guess = likely.get(key)
            if guess:
                parts = guess.split("_")
                script = next((p for p in parts[1:] if len(p) == 4), "")
                break
    return locale.language, script, territory


@dataclass(frozen=True)
class LetterLanguage:
    """How one letter writes: its tag, direction, digits and Babel locale."""

    tag: str
    locale: Locale
    script: str
    direction: str
    numbering: str

    @property
    def counter_style(self) -> str:
        """The CSS counter style of page numbers in this language's digits."""
        return DIGITS.get(self.numbering, DIGITS["latn"])[1]

    @property
    def separator(self) -> str:
        """What separates the parts of a line in this language (a comma of its script)."""
        return SEPARATORS.get(self.script, ", ")

    def digits(self, text: str) -> str:
        """`text` with its ASCII digits written in this language's digits."""
        if self.numbering == "latn" or self.numbering not in DIGITS:
            return text
        return text.translate(str.maketrans("0123456789", DIGITS[self.numbering][0]))

    def date(self, value: dt.date, precision: str | Precision = Precision.DAY) -> str:
        """A date at its precision: "1 mai 2024", "mai 2015", "2015年5月"."""
        p = Precision(precision)
        if self.locale.language == "en":
            # The organisation writes English dates day-month-year, whatever the region. The
            # pattern is explicit, so the month names of "en" (en_GB's) are all it takes:
            # loading en_GB and en_001 as well would cost every process about 2 MB.
            pattern = {Precision.DAY: "d MMMM y", Precision.MONTH: "MMMM y"}.get(p, "y")
            return self.digits(str(format_date(value, pattern, locale="en")))
        if p is Precision.YEAR:
            text = format_skeleton("y", value, locale=self.locale)
        elif p is Precision.MONTH:
            text = format_skeleton("yMMMM", value, locale=self.locale)
        else:
            text = format_date(value, "long", locale=self.locale)
        return self.digits(str(text))

    def number(self, value: int | float) -> str:
        """A number with this language's separators and digits."""
        text = format_decimal(value, locale=self.locale, numbering_system="default")
        return self.digits(str(text))

    def duration(self, days: int) -> str:
        """A time in custody in words, rounded down to years, months or days: "8 ans"."""
        # Whole units only: 2,900 days are 7 years, never "8 years" (Babel rounds; a year is 365
        # days and a month 30 for it too).
        whole = days // 365 * 365 or days // 30 * 30 or days
        text = format_timedelta(
            dt.timedelta(days=whole), threshold=1, granularity="day", locale=self.locale
        )
        return self.digits(str(text))

    def country(self, code: str, fallback: str) -> str:
        """A country's name in this language (CLDR), or `fallback` when CLDR has none."""
        return str(self.locale.territories.get(code.upper(), fallback)) if code else fallback


@lru_cache(maxsize=128)
def letter_language(tag: str) -> LetterLanguage:
    """The language of a letter; LanguageError for a tag Babel cannot parse."""
    locale = parse_tag(tag or "en")
    _, script, _ = full_locale(locale)
    numbering = str(locale.default_numbering_system or "latn")
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    return LetterLanguage((tag or "en").strip(), locale, script, direction, numbering)


class LocalNumber(int):
    """A number placeholder: compares as a number, prints in the letter's digits and separators."""

    text: str

    def __new__(cls, value: int, text: str) -> LocalNumber:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return self.text
