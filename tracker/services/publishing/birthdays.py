"""Birthdays of the people we write for: day and month only, never the year.

Only publishable cases whose birthday may be shown (`birthday_public`) and whose date of birth
is known to the day are listed. The date of birth is private and stored encrypted: it is read
here, reduced to a day and a month, and never leaves this module whole.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import HELD_STATUSES
from tracker.models import Case
from tracker.services.publishing.queries import PUBLISHABLE

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class PublicBirthday:
    """A person's coming birthday: day and month, and how many days until it (no year)."""

    slug: str
    name: str
    name_native: str
    country: str
    day: int
    month: int
    days_until: int
    is_held: bool


def _next_birthday(month: int, day: int, today: dt.date) -> dt.date:
    """The next day (today included) that is this birthday; 29 February is kept on the 28th
    in a year without it."""
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, month)[1]
        when = dt.date(year, month, min(day, last))
        if when >= today:
            return when
    raise AssertionError("unreachable: a birthday comes within a year")


def coming_birthdays(
    session: Session, today: dt.date, days: int = WINDOW_DAYS
) -> list[PublicBirthday]:
    """Birthdays of publishable, consented people in the next `days` days, soonest first."""
    rows = session.execute(
        select(
            Case.slug,
            Case.full_name,
            Case.name_native,
            Case.country,
            Case.status,
            Case.birth_date,
            Case.birth_date_precision,
        ).where(PUBLISHABLE, Case.birthday_public.is_(True), Case.birth_date.is_not(None))
    ).all()
    found: list[PublicBirthday] = []
    held = {s.value for s in HELD_STATUSES}
    for r in rows:
        if r.birth_date is None or (r.birth_date_precision or "day") != "day":
            continue  # a birthday known only to the month or year has no day to celebrate
        month, day = r.birth_date.month, r.birth_date.day
        until = (_next_birthday(month, day, today) - today).days
        if until < days:
            found.append(
                PublicBirthday(
                    slug=r.slug,
                    name=r.full_name,
                    name_native=r.name_native or "",
                    country=r.country,
                    day=day,
                    month=month,
                    days_until=until,
                    is_held=r.status in held,
                )
            )
    return sorted(found, key=lambda b: (b.days_until, b.name))
