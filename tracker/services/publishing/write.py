"""`/write`: a letter for someone who needs it, chosen at random, weighted toward the fewest
letters posted in the last 30 days.

The open letters of publishable cases and their posts in 30 days are read in one grouped query
and kept per process for a few minutes or until a publication (`WriteMemo`), so a pick costs a
binary search over cumulative weights, not a query over every appeal: at 10,000 active appeals
a pick is well under a millisecond (benchmarks/public_site.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import threading
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import HELD_STATUSES, AppealStatus
from tracker.models import Appeal, AppealCounter, Campaign, Case
from tracker.services.publishing.changes import PublicationStamp
from tracker.services.publishing.queries import PUBLISHABLE

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class WriteChoice:
    """An open letter of a publishable case, and the letters posted for it in 30 days."""

    appeal_id: int
    slug: str
    language: str
    campaign_slug: str | None
    posted: int


def write_choices(session: Session, today: dt.date) -> tuple[WriteChoice, ...]:
    """Every letter /write may send to, with its posts over the last WINDOW_DAYS days."""
    since = today - dt.timedelta(days=WINDOW_DAYS - 1)
    posted = func.coalesce(func.sum(AppealCounter.sent), 0)
    rows = session.execute(
        select(Appeal.id, Case.slug, Appeal.language, Campaign.slug.label("campaign"), posted)
        .join(Case, Case.id == Appeal.case_id)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .outerjoin(
            AppealCounter,
            and_(AppealCounter.appeal_id == Appeal.id, AppealCounter.day >= since),
        )
        .where(
            PUBLISHABLE,
            Case.status.in_([s.value for s in HELD_STATUSES]),
            Appeal.status == AppealStatus.ACTIVE,
            or_(Appeal.deadline.is_(None), Appeal.deadline >= today),
        )
        .group_by(Appeal.id, Case.slug, Appeal.language, Campaign.slug)
        .order_by(Appeal.id)
    ).all()
    return tuple(WriteChoice(r[0], r[1], r[2] or "en", r[3], int(r[4] or 0)) for r in rows)


def matches(choice: WriteChoice, lang: str | None, campaign: str | None) -> bool:
    """Whether a letter is in language `lang` (`zh` takes `zh-Hans`) and campaign `campaign`."""
    if campaign and choice.campaign_slug != campaign:
        return False
    if lang:
        tag, wanted = choice.language.lower(), lang.lower()
        return tag == wanted or tag.startswith(wanted + "-")
    return True


def weight(posted: int, fewest: int) -> float:
    """The chance of a letter relative to the least-written: 1, 1/2, 1/3... per letter more."""
    return 1.0 / (1 + posted - fewest)


class Pool:
    """Letters of one filter with their cumulative weights: a pick is one binary search."""

    def __init__(self, choices: list[WriteChoice]) -> None:
        self.choices = choices
        fewest = min((c.posted for c in choices), default=0)
        self.cumulative = list(itertools.accumulate(weight(c.posted, fewest) for c in choices))

    def pick(self, rng: random.Random, exclude: frozenset[int] = frozenset()) -> WriteChoice | None:
        """A letter at random by weight, none of `exclude` (ids); None when there is none."""
        if not self.cumulative:
            return None
        for _ in range(8):
            found = self.choices[
                bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
                if self.cumulative[-1] > 0
                else 0
            ]
            if found.appeal_id not in exclude:
                return found
        rest = [c for c in self.choices if c.appeal_id not in exclude]
        return Pool(rest).pick(rng) if rest else None


class WriteMemo:
    """The letters /write chooses among, per process, for `ttl` seconds or until a publication.

    Any commit that changes published data replaces the publication stamp; a new day or the
    ttl (for letters posted meanwhile, which move the weights) reads them again.
    """

    def __init__(self, stamp: PublicationStamp | None = None) -> None:
        self.stamp = stamp
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._read_at = 0.0
        self._choices: tuple[WriteChoice, ...] = ()
        self._pools: dict[tuple[str | None, str | None], Pool] = {}

    def pool(
        self,
        session: Session,
        today: dt.date,
        *,
        lang: str | None,
        campaign: str | None,
        ttl: float,
        now: float,
    ) -> Pool:
        """The letters matching the filters, read afresh when stale."""
        stamp = self.stamp.current() if self.stamp is not None else None
        key = (today, stamp)
        with self._lock:
            if key != self._key or now - self._read_at >= ttl or (stamp is None and ttl <= 0):
                self._choices = write_choices(session, today)
                self._pools = {}
                self._key, self._read_at = key, now
            wanted = (lang.lower() if lang else None, campaign or None)
            found = self._pools.get(wanted)
            if found is None:
                if len(self._pools) > 256:
                    self._pools.clear()
                found = Pool([c for c in self._choices if matches(c, *wanted)])
                self._pools[wanted] = found
            return found

    @property
    def trusted(self) -> bool:
        """Whether every publication on this machine renews the list at once (a usable stamp):
        then a picked letter is open without asking the database again."""
        return self.stamp is not None and self.stamp.current() is not None

    def forget(self) -> None:
        """Read the letters again at the next pick (one was found closed)."""
        with self._lock:
            self._key = None
