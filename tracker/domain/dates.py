"""Dates known to the day, the month or the year, how people read them, and how they are ordered.

The order of partial dates (one rule for the service, the import and every list of changes):
a date known to the month or the year is stored as its first day, and it is "before" another
only when all of it is: "September 2020" may follow "7 September 2020" (the event took place
some day of September, and the record says it came after). A change then sorts at its *order
day*: its first possible day, or the order day of the change recorded before it when that is
later and still within its span ("charged, September 2020" after "disappeared 7 September 2020"
sorts at 7 September). Changes with the same order day keep the order they were recorded in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

from tracker.domain.messages import M_
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
        # The organisation writes English dates day-month-year, whatever the region; with
        # the pattern explicit, "en" (whose month names en_GB shares) is all it needs.
        pattern = "MMMM y" if p is Precision.MONTH else "d MMMM y"
        return format_date(value, pattern, locale="en")
    if p is Precision.MONTH:
        return str(format_skeleton("yMMMM", value, locale=babel_locale))
    return str(format_date(value, "long", locale=babel_locale))


def last_day(value: dt.date, precision: str | Precision = Precision.DAY) -> dt.date:
    """The latest day a partial date may stand for: the end of its month or year."""
    p = Precision(precision)
    if p is Precision.YEAR:
        return dt.date(value.year, 12, 31)
    if p is Precision.MONTH:
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return value


def may_follow(
    value: dt.date, precision: str | Precision, previous_order_day: dt.date | None
) -> bool:
    """True when a change on this partial date may come after one that sorts at
    `previous_order_day`: some day it stands for is on or after that day."""
    return previous_order_day is None or last_day(value, precision) >= previous_order_day


def order_day(
    value: dt.date, precision: str | Precision, previous_order_day: dt.date | None
) -> dt.date:
    """The day a change sorts at, following a change that sorts at `previous_order_day` (see
    the module docstring): its first day, or the previous order day when that is later."""
    if previous_order_day is not None and may_follow(value, precision, previous_order_day):
        return max(value, previous_order_day)
    return value


def parse_partial_date(text: str) -> PartialDate:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a date at its precision; ValueError for people."""
    text = text.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return PartialDate(dt.date(int(text), 1, 1), Precision.YEAR)
        if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
            return PartialDate(dt.date(int(text[:4]), int(text[5:]), 1), Precision.MONTH)
        return PartialDate(parse_iso_date(text), Precision.DAY)
    except ValueError:
        raise ValueError(
            M_("'%(text)s' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD", text=text)
        ) from None


def iso_partial_date(value: dt.date, precision: str | Precision = Precision.DAY) -> str:
    """A date written at its precision, as CSV files carry it: `2015`, `2015-05`, `2015-05-17`."""
    p = Precision(precision)
    if p is Precision.YEAR:
        return f"{value.year:04d}"
    if p is Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


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
        raise ValueError(M_("'%(text)s' is not a date in the form YYYY-MM-DD", text=text)) from None
