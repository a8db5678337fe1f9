"""Good news that stays true: releases and partial victories, with any later re-arrest beside them.

A change is good news when the person went free (`released`) or left prison for a restricted
life (`restricted` straight from a held status). Charges, detentions and sentences never are.
A person held again after the good news stays listed, marked with the first later change that
put them back in custody, so a supporter reads the release and, beside it, that it did not last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import HELD_STATUSES, Status
from tracker.models import Case, StatusChange
from tracker.services.publishing.objects import PublicCase, PublicStatusChange
from tracker.services.publishing.queries import PUBLISHABLE, public_cases_by_id

_HELD = sorted(s.value for s in HELD_STATUSES)

IS_GOOD_NEWS = or_(
    StatusChange.to_status == Status.RELEASED.value,
    (StatusChange.to_status == Status.RESTRICTED.value) & StatusChange.from_status.in_(_HELD),
)


@dataclass(frozen=True, slots=True)
class GoodNews:
    """A release or partial victory, the person, and the re-arrest that followed (if any)."""

    change: PublicStatusChange
    person: PublicCase
    held_again: PublicStatusChange | None

    @property
    def is_partial(self) -> bool:
        """Out of prison but not free (bail, house arrest, travel ban)."""
        return self.change.to_status == Status.RESTRICTED.value

    @property
    def updated(self) -> dt.datetime:
        """When this news last changed: the release's record, or the re-arrest's."""
        if self.held_again is not None:
            return max(self.change.recorded_at, self.held_again.recorded_at)
        return self.change.recorded_at


def _held_again(person: PublicCase, change: PublicStatusChange) -> PublicStatusChange | None:
    later = False
    for step in person.history:  # oldest first, as the public timeline is ordered
        if later and Status(step.to_status).is_held:
            return step
        later = later or step.id == change.id
    return None


def good_news(session: Session, limit: int = 100) -> list[GoodNews]:
    """Releases and partial victories of public cases, newest first."""
    rows = session.execute(
        select(StatusChange.id, StatusChange.case_id)
        .join(Case, Case.id == StatusChange.case_id)
        .where(PUBLISHABLE, IS_GOOD_NEWS)
        .order_by(StatusChange.sort_on.desc(), StatusChange.id.desc())
        .limit(limit)
    ).all()
    people = public_cases_by_id(session, [r.case_id for r in rows])
    news = []
    for row in rows:
        person = people.get(row.case_id)
        if person is None:
            continue
        change = next(step for step in person.history if step.id == row.id)
        news.append(GoodNews(change, person, _held_again(person, change)))
    return news
