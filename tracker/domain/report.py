"""The arithmetic of the yearly report of releases, over plain rows of status history.

The counting rule (stated on the report itself, see COUNTING_RULE):
- a person counts as released in year Y when a change to `released` takes effect in Y; they
  count once however many times that happened in Y, and the report shows the last release of Y;
- a later re-detention (in Y or after) is shown beside the name without removing them from Y;
- a person with a change to `restricted` in Y is listed among the partial victories, unless they
  were released in Y too: a person is listed once, and the release is the headline;
- a death in custody that takes effect in Y is listed in its own section;
- a date known only to the month or year counts in that year and is shown at its precision.
Time detained is counted by tracker.domain.detention, as on the case page and in letters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker.domain.detention import (
    HELD,
    days_between,
    detention_start,
    is_approximate,
    next_detention,
)
from tracker.domain.messages import N_
from tracker.domain.vocabulary import Precision, Status

COUNTING_RULE = N_(
    "A person counts as released in {year} when a change of their status to released took "
    "effect in {year}. They count once, however many times that happened in the year; the last "
    "release of the year is shown. If they were arrested again later, that is shown beside "
    "their name and they still count in {year}. People whose status changed to restricted "
    "(bail, house arrest, parole, medical furlough) in {year} and who were not released in "
    "{year} are listed as partial victories; deaths in custody have a section of their own. "
    "Dates known only to the month or the year count in that year and are shown as known. "
    "Time detained runs from the first day of custody of that detention to the release, "
    "periods of bail or house arrest included."
)
PUBLIC_RULE = N_(
    "We name only people who agreed to publicity; the others are counted, not named, and "
    "the breakdowns cover the people named."
)


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One status change of one case, with only the public-safe columns the report needs."""

    case_id: int
    reference: str
    name: str
    name_native: str
    country: str
    category: str
    is_publishable: bool
    to_status: str
    effective_on: dt.date
    precision: str = Precision.DAY.value
    release_kind: str | None = None
    public_note: str = ""
    change_id: int = 0
    story: str = ""  # the case's public summary (a public field)
    sort_on: dt.date | None = None  # the order day (tracker.domain.dates); effective_on if None


@dataclass(frozen=True, slots=True)
class Letters:
    """Letters downloaded and sent for one case, over all its appeals."""

    downloaded: int = 0
    sent: int = 0


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One person in a section of the report."""

    case_id: int
    reference: str
    name: str
    name_native: str
    country: str
    category: str
    effective_on: dt.date
    precision: str
    public_note: str
    release_kind: str | None = None
    days_detained: int | None = None
    detained_since: dt.date | None = None
    detained_since_precision: str | None = None
    rearrested_on: dt.date | None = None
    rearrested_precision: str | None = None
    times_in_year: int = 1
    letters: Letters = field(default_factory=Letters)
    story: str = ""  # the case's public summary, its first paragraph

    @property
    def days_detained_is_approximate(self) -> bool:
        """True when either end of the detention is known only to the month or year."""
        return is_approximate(self.precision, self.detained_since_precision)


@dataclass(frozen=True, slots=True)
class SectionCounts:
    """How many people each section of one year holds."""

    released: int = 0
    restricted: int = 0
    died_in_custody: int = 0


@dataclass(frozen=True, slots=True)
class Breakdowns:
    """Counts of the named released people by country, category, release kind and month."""

    by_country: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[str, int], ...]
    by_release_kind: tuple[tuple[str, int], ...]
    # Month 1..12, or None for dates known only to the year.
    by_month: tuple[tuple[int | None, int], ...]


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    """The report of one year, in its public or staff view."""

    year: int
    public: bool
    released: tuple[PersonEntry, ...]
    restricted: tuple[PersonEntry, ...]
    died_in_custody: tuple[PersonEntry, ...]
    unnamed: SectionCounts
    counts: SectionCounts
    previous_year: SectionCounts
    held_at_year_end: int | None
    held_at_previous_year_end: int | None
    breakdowns: Breakdowns
    # Held at any time in the year (CPJ's and PEN's second count), beside held on 31 December.
    held_during_year: int | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing at all happened in the year's three sections."""
        return self.counts == SectionCounts()


def group_by_case(rows: Iterable[StatusRow]) -> dict[int, list[StatusRow]]:
    """Each case's history in date order (ties broken by the order they were recorded)."""
    by_case: dict[int, list[StatusRow]] = defaultdict(list)
    for row in rows:
        by_case[row.case_id].append(row)
    for history in by_case.values():
        history.sort(key=lambda r: (r.sort_on or r.effective_on, r.change_id))
    return dict(by_case)


def classify_year(statuses_in_year: Iterable[str]) -> set[str]:
    """The sections a person belongs to, from the statuses their changes reached in one year."""
    seen = set(statuses_in_year)
    sections: set[str] = set()
    if Status.RELEASED.value in seen:
        sections.add(Status.RELEASED.value)
    elif Status.RESTRICTED.value in seen:
        sections.add(Status.RESTRICTED.value)
    if Status.DIED_IN_CUSTODY.value in seen:
        sections.add(Status.DIED_IN_CUSTODY.value)
    return sections


def count_sections(histories: Mapping[int, Sequence[StatusRow]], year: int) -> SectionCounts:
    """How many people fall in each section of `year` (everyone, named or not)."""
    counts: Counter[str] = Counter()
    for history in histories.values():
        counts.update(classify_year(r.to_status for r in history if r.effective_on.year == year))
    return SectionCounts(
        released=counts[Status.RELEASED.value],
        restricted=counts[Status.RESTRICTED.value],
        died_in_custody=counts[Status.DIED_IN_CUSTODY.value],
    )


def yearly_counts(events: Iterable[tuple[int, int, str]]) -> dict[int, SectionCounts]:
    """Section counts per year from (case_id, year, to_status) events, by the same rule."""
    statuses: dict[tuple[int, int], set[str]] = defaultdict(set)
    years: set[int] = set()
    for case_id, year, status in events:
        statuses[(case_id, year)].add(status)
        years.add(year)
    counts: dict[int, Counter[str]] = {year: Counter() for year in years}
    for (_case_id, year), seen in statuses.items():
        counts[year].update(classify_year(seen))
    return {
        year: SectionCounts(
            released=c[Status.RELEASED.value],
            restricted=c[Status.RESTRICTED.value],
            died_in_custody=c[Status.DIED_IN_CUSTODY.value],
        )
        for year, c in sorted(counts.items())
    }


def _entry(
    history: Sequence[StatusRow],
    index: int,
    times: int,
    letters: Letters,
    with_detention: bool,
) -> PersonEntry:
    row = history[index]
    start = detention_start(history, index) if with_detention else None
    again = next_detention(history, index)
    return PersonEntry(
        case_id=row.case_id,
        reference=row.reference,
        name=row.name,
        name_native=row.name_native,
        country=row.country,
        category=row.category,
        effective_on=row.effective_on,
        precision=row.precision,
        public_note=row.public_note,
        release_kind=row.release_kind,
        days_detained=days_between(start.effective_on, row.effective_on) if start else None,
        detained_since=start.effective_on if start else None,
        detained_since_precision=start.precision if start else None,
        rearrested_on=again.effective_on if again else None,
        rearrested_precision=again.precision if again else None,
        times_in_year=times,
        letters=letters,
        story=row.story.strip().split("\n\n", 1)[0].strip(),
    )


def _sort_key(entry: PersonEntry) -> tuple[dt.date, str]:
    return (entry.effective_on, entry.name.casefold())


def breakdowns(people: Sequence[PersonEntry]) -> Breakdowns:
    """Counts by country, category, release kind (most first) and month (in calendar order)."""

    def ranked(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
        counts = Counter(values)
        return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    months: Counter[int | None] = Counter(
        None if p.precision == Precision.YEAR.value else p.effective_on.month for p in people
    )
    by_month: list[tuple[int | None, int]] = [(m, months[m]) for m in range(1, 13)]
    if months[None]:
        by_month.append((None, months[None]))
    return Breakdowns(
        by_country=ranked(p.country for p in people),
        by_category=ranked(p.category for p in people),
        by_release_kind=ranked(p.release_kind or "other" for p in people),
        by_month=tuple(by_month),
    )


def build_report(
    rows: Iterable[StatusRow],
    year: int,
    *,
    public: bool,
    letters: Mapping[int, Letters] | None = None,
    held_at_year_end: int | None = None,
    held_at_previous_year_end: int | None = None,
    held_during_year: int | None = None,
) -> ReleaseReport:
    """The report of `year` from the full histories of the cases with a change in Y or Y-1.

    The public view names only publishable cases and counts the others under `unnamed`; the
    staff view names everyone and its unnamed counts are 0.
    """
    letters = letters or {}
    histories = group_by_case(rows)
    sections: dict[str, list[PersonEntry]] = {
        Status.RELEASED.value: [],
        Status.RESTRICTED.value: [],
        Status.DIED_IN_CUSTODY.value: [],
    }
    unnamed: Counter[str] = Counter()
    for case_id, history in histories.items():
        in_year = [i for i, r in enumerate(history) if r.effective_on.year == year]
        for section in classify_year(history[i].to_status for i in in_year):
            hits = [i for i in in_year if history[i].to_status == section]
            if public and not history[hits[-1]].is_publishable:
                unnamed[section] += 1
                continue
            entry = _entry(
                history,
                hits[-1],
                len(hits),
                letters.get(case_id, Letters()),
                with_detention=section == Status.RELEASED.value,
            )
            sections[section].append(entry)
    for people in sections.values():
        people.sort(key=_sort_key)
    released = tuple(sections[Status.RELEASED.value])
    return ReleaseReport(
        year=year,
        public=public,
        released=released,
        restricted=tuple(sections[Status.RESTRICTED.value]),
        died_in_custody=tuple(sections[Status.DIED_IN_CUSTODY.value]),
        unnamed=SectionCounts(
            released=unnamed[Status.RELEASED.value],
            restricted=unnamed[Status.RESTRICTED.value],
            died_in_custody=unnamed[Status.DIED_IN_CUSTODY.value],
        ),
        counts=count_sections(histories, year),
        previous_year=count_sections(histories, year - 1),
        held_at_year_end=held_at_year_end,
        held_during_year=held_during_year,
        held_at_previous_year_end=held_at_previous_year_end,
        breakdowns=breakdowns(released),
    )


def is_held_at(history: Sequence[StatusRow], day: dt.date) -> bool:
    """True when the latest change on or before `day` left the person held."""
    latest: StatusRow | None = None
    for row in history:
        if (row.sort_on or row.effective_on) > day:
            break
        latest = row
    return latest is not None and latest.to_status in HELD


def held_at_end_of(histories: Mapping[int, Sequence[StatusRow]], year: int) -> int:
    """How many cases were held on 31 December of `year`."""
    last_day = dt.date(year, 12, 31)
    return sum(1 for history in histories.values() if is_held_at(history, last_day))


def duration_words(days: int, approximate: bool) -> str:
    """A detention length as people say it: "3 years, 2 months", "about 5 years", "12 days"."""
    years, rest = divmod(days, 365)
    months = rest // 30
    if years == 0 and months == 0:
        text = f"{days} day" + ("" if days == 1 else "s")
    else:
        parts = []
        if years:
            parts.append(f"{years} year" + ("" if years == 1 else "s"))
        if months:
            parts.append(f"{months} month" + ("" if months == 1 else "s"))
        text = ", ".join(parts)
    return f"about {text}" if approximate else text
