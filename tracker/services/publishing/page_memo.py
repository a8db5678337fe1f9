"""Rendered public pages and their public data, kept per process until anything published changes.

On a campaign day the same few pages (the home page, a case page, a letter page) are asked for
hundreds of times a second, each costing 5 to 12 queries and a template render. A `PageMemo`
keeps what a page was built from (frozen public objects) or the page itself, rendered without
anything of one visitor (services.publishing.page_slots fills those in per request), keyed by
the page, the reader's language and the day.

It is emptied exactly as the letter-state memo is (services.publishing.state_memo): at once by
any write of this process to a case, status change, appeal, addressee, facility, placement,
copies-to row or campaign, and in every other process of the machine as soon as the commit of
such a write has replaced the publication stamp (services.publishing.changes: a file per
machine, or a counter in the Redis that several machines share), which every lookup reads
first. Where the stamp cannot be used nothing is kept. Entries also expire after `ttl` seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from tracker.services.publishing import state_memo
from tracker.services.publishing.changes import PublicationStamp, Stamp

T = TypeVar("T")
MAX_ENTRIES = 512  # pages of a few kilobytes: a few megabytes at most per process


class PageMemo:
    """Values built from published data, per process, until a publication or `ttl` seconds."""

    def __init__(
        self, stamp: PublicationStamp | None = None, max_entries: int = MAX_ENTRIES
    ) -> None:
        self.stamp = stamp
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._seen: object = None
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T], *, ttl: float, now: float) -> T:
        """The value kept for `key` when it is still valid, else `build()` (kept for next time).

        `key` must hold everything the value depends on besides published data: the page and
        its arguments, the reader's language, the day.
        """
        if self.stamp is not None:
            current = self.stamp.current()
            if current != self._seen:
                with self._lock:
                    self._forget()
                    self._seen = current
            if current is None:
                ttl = 0.0  # no stamp to trust: keep nothing
        generation = self._generation
        found = self._values.get(key)
        if found is not None and now - found[0] < ttl:
            return found[1]  # type: ignore[no-any-return]
        value = build()
        if ttl > 0:
            with self._lock:
                if self._generation != generation:
                    return value  # a publication came while it was built (another thread)
                if len(self._values) >= self.max_entries:
                    self._values.clear()  # a crawl of odd query strings cannot grow it further
                self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget everything (a write of printed data in this process)."""
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._values.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._values)


def install(
    instance_path: str | os.PathLike[str] | None = None,
    *,
    stamp: PublicationStamp | None = None,
) -> PageMemo:
    """A page memo for one application, emptied by the same writes as the letter states."""
    if stamp is None and instance_path is not None:
        stamp = Stamp(instance_path)
    memo = PageMemo(stamp)
    state_memo.register(memo)
    return memo
