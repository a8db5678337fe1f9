"""Download counts tallied in memory are written later, and never fail for a vanished appeal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import AppealCounter, RateLimitHit, User, utcnow
from tracker.services.letters.counters import DownloadTally, allow, counts_of


def test_tallied_downloads_are_written_on_flush(db: Any, caseworker: User) -> None:
    case = make_case(db, caseworker, "VN-C1", "Person Count")
    appeal = make_appeal(db, caseworker, case, make_addressee(db, caseworker))
    tally, day = DownloadTally(), dt.date(2020, 10, 8)
    for _ in range(3):
        tally.add(appeal.id, day)
    assert tally.flush(db) == 3
    assert counts_of(db, appeal.id) == {"downloads": 3, "sent": 0}
    assert tally.flush(db) == 0  # nothing pending any more


def test_counts_for_a_vanished_appeal_are_dropped_not_an_error(db: Any, caseworker: User) -> None:
    case = make_case(db, caseworker, "VN-C2", "Person Gone")
    appeal = make_appeal(db, caseworker, case, make_addressee(db, caseworker))
    tally, day = DownloadTally(), dt.date(2020, 10, 8)
    tally.add(appeal.id, day)
    tally.add(appeal.id + 1000, day)  # an appeal that does not exist (any more)
    assert tally.flush(db) == 1
    assert db.scalar(select(func.count()).select_from(AppealCounter)) == 1


def test_rate_limit_counts_hits_and_forgets_windows_older_than_a_day(db: Any) -> None:
    old = utcnow().replace(microsecond=0) - dt.timedelta(days=3)
    db.add(RateLimitHit(key="letter:old", window_start=old, count=7))
    db.flush()
    hits = [allow(db, "letter:abc", limit=2, window_seconds=600) for _ in range(3)]
    assert hits == [True, True, False]
    assert db.scalar(select(func.count()).where(RateLimitHit.key == "letter:old")) == 0
    assert db.scalar(select(RateLimitHit.count).where(RateLimitHit.key == "letter:abc")) == 3
