"""The status workflow of DESIGN.md: which moves are allowed and what a change must carry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from tracker.domain.dates import may_follow
from tracker.domain.errors import InvalidTransition, ValidationError
from tracker.domain.messages import M_
from tracker.domain.vocabulary import HELD_STATUSES, Precision, ReleaseKind, Status


@cache
def allowed_next(current: Status | str | None) -> frozenset[Status]:
    """Every status that may follow `current` (None: a case with no history yet); worked out
    once per status (an import checks every change of every history)."""
    every = frozenset(Status)
    if current is None:
        return every
    cur = Status(current)
    if cur is Status.DIED_IN_CUSTODY:
        return frozenset({Status.CLOSED})
    if cur is Status.CLOSED:
        return HELD_STATUSES
    # released and restricted may go back to any held status (re-arrest happens); every
    # other move between listed statuses is allowed, but never to the same status.
    return every - {cur}


def is_allowed(current: Status | str | None, target: Status | str) -> bool:
    """True when the rules allow moving from `current` to `target`."""
    return Status(target) in allowed_next(current)


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """A status change as a caseworker proposes it, before it is written."""

    target: Status
    effective_on: dt.date
    release_kind: ReleaseKind | None = None
    is_correction: bool = False
    precision: Precision = Precision.DAY


def check_change(
    current: Status | str | None,
    latest_effective_on: dt.date | None,
    change: ProposedChange,
) -> None:
    """Raise InvalidTransition or ValidationError when the change breaks a rule.

    `latest_effective_on` is the order day of the latest change (tracker.domain.dates): a
    change known to the month or year may follow it when any day of its span does.
    """
    target = Status(change.target)
    if current is not None and Status(current) is target:
        raise InvalidTransition(
            M_("The case is already %(status)s.", status=target),
            (s.value for s in allowed_next(current)),
        )
    if current is not None and target not in allowed_next(current):
        raise InvalidTransition(
            M_(
                "A case that is %(current)s cannot become %(target)s.",
                current=Status(current),
                target=target,
            ),
            (s.value for s in allowed_next(current)),
        )
    if target is Status.RELEASED and change.release_kind is None:
        raise ValidationError(
            M_("A release needs a release kind."),
            {"release_kind": M_("Choose how the person was freed.")},
        )
    if target is not Status.RELEASED and change.release_kind is not None:
        raise ValidationError(
            M_("Only a release has a release kind."),
            {"release_kind": M_("Leave empty unless the status is released.")},
        )
    if (
        latest_effective_on is not None
        and not may_follow(change.effective_on, change.precision, latest_effective_on)
        and not change.is_correction
    ):
        raise ValidationError(
            M_(
                "The date may not precede the latest change (%(latest)s) unless it is recorded "
                "as a correction.",
                latest=latest_effective_on,
            ),
            {
                "effective_on": M_(
                    "Use %(latest)s or later, or mark a correction.", latest=latest_effective_on
                )
            },
        )
