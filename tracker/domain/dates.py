"""Dates known to the day, the month or the year, and how people read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

from tracker.domain.vocabulary import Precision


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date and how much of it is known; stored as its first day ("May 2015" is 2015-05-01)."""

    value: dt.date
    precision: Precision = Precision.DAY

    @classmethod
    def of(cls, value: dt.date, precision: str | Precision = Precision.DAY) -> PartialDate:
        """Normalise a date to the first day of its month or year when only that is known."""
        p = Precision(precision)
        if p is Precision.MONTH:
            value = value.replace(day=1)
        elif p is Precision.YEAR:
            value = value.replace(month=1, day=1)
        return cls(value, p)

    def display(self) -> str:
        """The date as a person writes it, at its precision: "8 October 2020", "May 2015"."""
        return format_partial_date(self.value, self.precision)


def format_partial_date(
    value: dt.date, precision: str | Precision = Precision.DAY, locale: str = "en"
) -> str:
    """Format a date at its precision in a language (BCP 47 tag): "8 October 2020", "May 2015"."""
    p = Precision(precision)
    if p is Precision.YEAR:
        return f"{value.year}"
    babel_locale = _babel_locale(locale)
    if babel_locale.language == "en":
        # The organisation writes English dates day-month-year, whatever the region.
        pattern = "MMMM y" if p is Precision.MONTH else "d MMMM y"
        return format_date(value, pattern, locale="en_GB")
    if p is Precision.MONTH:
        return str(format_skeleton("yMMMM", value, locale=babel_locale))
    return str(format_date(value, "long", locale=babel_locale))


def _babel_locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def is_known_language(tag: str) -> bool:
    """True when a BCP 47 tag names a language Babel knows ("en", "fa", "zh-Hans")."""
    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def parse_iso_date(text: str) -> dt.date:
    """Parse a strict ISO `YYYY-MM-DD` date; raise ValueError with a readable message."""
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD") from None
