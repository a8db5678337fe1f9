"""Anonymous counters (downloads and letters sent per appeal and day) and shared rate limits.

Nothing personal is stored: counters are numbers per appeal and day, and a rate-limit key is a
keyed hash of the client address, kept only for the current window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.models import Appeal, AppealCounter, RateLimitHit, utcnow


def _upsert(session: Session, table: type, keys: dict[str, object], increments: dict[str, int]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(**keys, **increments)
    column = table.__table__.c  # type: ignore[attr-defined]
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: column[name] + getattr(stmt.excluded, name) for name in increments},
    )


def add_counts(
    session: Session, appeal_id: int, day: dt.date, *, downloads: int = 0, sent: int = 0
) -> None:
    """Add downloads and letters sent to an appeal's counter for a day."""
    session.execute(
        _upsert(
            session,
            AppealCounter,
            {"appeal_id": appeal_id, "day": day},
            {"downloads": downloads, "sent": sent},
        )
    )


def counts_of(session: Session, appeal_id: int) -> dict[str, int]:
    """Total downloads and letters sent for an appeal."""
    rows = session.execute(
        select(AppealCounter.downloads, AppealCounter.sent).where(
            AppealCounter.appeal_id == appeal_id
        )
    ).all()
    return {"downloads": sum(r.downloads for r in rows), "sent": sum(r.sent for r in rows)}


class DownloadTally:
    """Downloads counted in memory and written in batches.

    A cached PDF is served at static-file speed; a database write per download would not be.
    `on_pending` is called when a first count arrives after a flush: the web process starts a
    timer there (tracker/web/download_counts.py) that writes the counts within the interval
    even when no further download comes, and writes what is left when the process exits.
    """

    def __init__(self, on_pending: Callable[[], None] | None = None) -> None:
        self._pending: Counter[tuple[int, dt.date]] = Counter()
        self._lock = threading.Lock()
        # Held for a whole flush (take, write, commit): a flush at exit waits for one under way.
        self.flushing = threading.Lock()
        self._on_pending = on_pending

    def add(self, appeal_id: int, day: dt.date) -> None:
        with self._lock:
            first = not self._pending
            self._pending[(appeal_id, day)] += 1
        if first and self._on_pending is not None:
            self._on_pending()

    def pending(self) -> int:
        """How many downloads wait to be written."""
        with self._lock:
            return sum(self._pending.values())

    def take(self) -> Counter[tuple[int, dt.date]]:
        """Everything pending, removed from the tally (give it back with `restore`)."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
        return pending

    def restore(self, counts: Counter[tuple[int, dt.date]]) -> None:
        """Put back counts whose write failed, to be written by the next flush."""
        with self._lock:
            self._pending.update(counts)

    def flush(self, session: Session) -> int:
        """Write pending counts (the caller commits); returns how many were written."""
        return self.write(session, self.take())

    @staticmethod
    def write(session: Session, pending: Counter[tuple[int, dt.date]]) -> int:
        """Add `pending` to the counters in the database (the caller commits)."""
        if not pending:
            return 0
        # An appeal may be gone by the time its downloads are written (its case deleted, a
        # transaction rolled back): its counts go with it rather than failing the request.
        wanted = {appeal_id for appeal_id, _day in pending}
        existing = set(session.scalars(select(Appeal.id).where(Appeal.id.in_(wanted))))
        written = 0
        for (appeal_id, day), n in sorted(pending.items()):
            if appeal_id in existing:
                add_counts(session, appeal_id, day, downloads=n)
                written += n
        return written


def client_key(secret: str, scope: str, address: str) -> str:
    """A rate-limit key for a client address that does not store the address."""
    digest = hmac.new(secret.encode(), f"{scope}:{address}".encode(), hashlib.sha256)
    return f"{scope}:{digest.hexdigest()[:40]}"


def allow(session: Session, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in the current window; False once more than `limit` were made."""
    now = utcnow()
    start = dt.datetime.fromtimestamp(
        int(now.timestamp()) // window_seconds * window_seconds, tz=dt.UTC
    )
    # One statement counts the hit and says the count (a campaign day sends every "I posted
    # it" and personalised letter through here).
    count = session.scalar(
        _upsert(session, RateLimitHit, {"key": key, "window_start": start}, {"count": 1}).returning(
            RateLimitHit.count
        )
    )
    if count == 1:  # a new window for this client: windows older than a day are forgotten
        session.execute(
            delete(RateLimitHit).where(RateLimitHit.window_start < start - dt.timedelta(days=1))
        )
    return (count or 0) <= limit
