"""Detention arithmetic: when a period in custody began and ended, and how many days it lasted.

One rule for the case page, the letters and the yearly report. A detention begins with the first
held status after the previous release, closure or death, and runs to the change that ends it;
bail or house arrest (`restricted`) in between counts as detention. A date known only to the
month or the year counts from its first day, and the length is then approximate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from tracker.domain.vocabulary import HELD_STATUSES, Precision, Status

# Statuses that end a detention: what follows them starts a new one.
ENDS_DETENTION = frozenset(
    {Status.RELEASED.value, Status.CLOSED.value, Status.DIED_IN_CUSTODY.value}
)
HELD = frozenset(s.value for s in HELD_STATUSES)


class Step(Protocol):
    """One status change of a person's history, as far as detention arithmetic needs it."""

    @property
    def to_status(self) -> str: ...

    @property
    def effective_on(self) -> dt.date: ...

    @property
    def precision(self) -> str: ...


S = TypeVar("S", bound=Step)


def days_between(start: dt.date, end: dt.date) -> int:
    """Whole days from start to end (0 when end precedes start)."""
    return max(0, (end - start).days)


def is_approximate(*precisions: str | None) -> bool:
    """True when any end of a period is known only to the month or the year."""
    return any(p not in (None, Precision.DAY.value) for p in precisions)


def detention_start(history: Sequence[S], index: int) -> S | None:
    """The first held status of the detention in progress just before the change at `index`."""
    start: S | None = None
    for step in reversed(history[:index]):
        if step.to_status in ENDS_DETENTION:
            break
        if step.to_status in HELD:
            start = step
    return start


def next_detention(history: Sequence[S], index: int) -> S | None:
    """The first held status after the change at `index`: a re-arrest."""
    for step in history[index + 1 :]:
        if step.to_status in HELD:
            return step
    return None


@dataclass(frozen=True, slots=True)
class Detention:
    """A period in custody; `end` is None while it goes on."""

    start: dt.date
    start_precision: str = Precision.DAY.value
    end: dt.date | None = None
    end_precision: str | None = None

    def days(self, today: dt.date) -> int:
        """Days in custody: to `today` while it goes on, to its end once it is over."""
        return days_between(self.start, self.end or today)

    @property
    def is_approximate(self) -> bool:
        """True when the start or the end is known only to the month or the year."""
        return is_approximate(self.start_precision, self.end_precision)


def latest_detention(history: Sequence[Step]) -> Detention | None:
    """The current detention, or the last one (None when no held status was ever recorded).

    `history` is in date order. The detention ends with the first release, closure or death
    after its last held status; when there is none, with the move out of custody that followed
    (bail or house arrest), and otherwise it goes on.
    """
    last_held = next(
        (i for i in range(len(history) - 1, -1, -1) if history[i].to_status in HELD), None
    )
    if last_held is None:
        return None
    start = detention_start(history, last_held + 1)
    if start is None:  # cannot happen: the step at last_held is held
        return None
    after = history[last_held + 1 :]
    end = next((s for s in after if s.to_status in ENDS_DETENTION), after[0] if after else None)
    return Detention(
        start=start.effective_on,
        start_precision=start.precision,
        end=end.effective_on if end else None,
        end_precision=end.precision if end else None,
    )
