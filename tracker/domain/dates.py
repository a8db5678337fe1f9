"""Dates known to the day, the month or the year, and how people read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def format_partial_date(value: dt.date, precision: str | Precision = Precision.DAY) -> str:
    """Format a date at its precision in English."""
    p = Precision(precision)
    if p is Precision.YEAR:
        return f"{value.year}"
    if p is Precision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def parse_iso_date(text: str) -> dt.date:
    """Parse a strict ISO `YYYY-MM-DD` date; raise ValueError with a readable message."""
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def days_between(start: dt.date, end: dt.date) -> int:
    """Whole days from start to end (0 when end precedes start)."""
    return max(0, (end - start).days)
