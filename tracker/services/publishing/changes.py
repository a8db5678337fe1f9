"""The publication stamp: tells every server process, at once, that published data changed.

Each process keeps the letter states and public pages it read for a moment (state_memo,
page_memo, the /write memo). A commit that wrote a case, status change, appeal, addressee or
copies-to row replaces the stamp before the request returns (state_memo's listeners); every
lookup first reads the stamp and drops its memo when the stamp changed. So an unpublished case
or withdrawn letter is refused by every process as soon as the request that withdrew it has
returned.

On one machine the stamp is a file in the instance folder (one `stat`, a few microseconds).
Machines that share a Redis queue (`TRACKER_QUEUE_URL=redis://...`, the set-up of several
machines) share the stamp too: a counter in that Redis (one GET, a fraction of a millisecond),
so every machine follows an edit at once. Where the stamp cannot be read or written (a
read-only instance folder, Redis unreachable) nothing is memoised.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

STAMP_FILE = "publication-stamp"
REDIS_RETRY_SECONDS = (
    1.0  # after a failed read, memos are off this long before Redis is asked again
)


class PublicationStamp(Protocol):
    """What the memos need of a stamp."""

    usable: bool

    @property
    def ident(self) -> Hashable: ...

    def current(self) -> Hashable | None: ...

    def touch(self) -> None: ...


def stamp_for(config: Mapping[str, Any], instance_path: str | os.PathLike[str]) -> PublicationStamp:
    """The stamp an application uses: Redis when its queue is on Redis, else a file."""
    url = str(config.get("QUEUE_URL") or "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        name = str(config.get("QUEUE_NAME") or "tracker")
        return RedisStamp(url, f"{name}:publication-stamp")
    return Stamp(instance_path)


class RedisStamp:
    """A counter in Redis, shared by every machine that uses that Redis."""

    def __init__(self, url: str, key: str) -> None:
        import redis

        self.key = key
        self.usable = True
        self._errors = (redis.RedisError, OSError)
        # Short timeouts: a request never waits long on a Redis that went away.
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._failed_at: float | None = None

    @property
    def ident(self) -> Hashable:
        return ("redis", self._client.connection_pool.connection_kwargs.get("host"), self.key)

    def current(self) -> Hashable | None:
        """The counter now (b"0" before any publication); None when Redis cannot be read."""
        now = time.monotonic()
        if self._failed_at is not None and now - self._failed_at < REDIS_RETRY_SECONDS:
            return None
        try:
            value = self._client.get(self.key)
        except self._errors as exc:
            if self._failed_at is None:
                log.warning("cannot read the publication stamp in Redis: %s", exc)
            self._failed_at = now
            return None
        self._failed_at = None
        return value if value is not None else b"0"

    def touch(self) -> None:
        """Count one publication; an OSError when Redis cannot be written."""
        try:
            self._client.incr(self.key)
        except self._errors as exc:
            raise OSError(f"Redis: {exc}") from exc


class Stamp:
    """The stamp file of one instance folder."""

    def __init__(self, instance_path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path | None = None
        self.usable = False
        if instance_path is not None:
            self.configure(instance_path)

    def configure(self, instance_path: str | os.PathLike[str]) -> None:
        """Use the stamp in this instance folder; create it when missing and possible."""
        self.path = Path(instance_path) / STAMP_FILE
        try:
            if not self.path.exists():
                self.touch()
            self.usable = os.access(self.path.parent, os.W_OK) and self.path.exists()
        except OSError:
            self.usable = False

    @property
    def ident(self) -> Hashable:
        return ("file", str(self.path))

    def current(self) -> tuple[int, int] | None:
        """What the stamp looks like now; None when memos must not be trusted."""
        if not self.usable or self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def touch(self) -> None:
        """Replace the stamp (a new inode: seen as changed whatever the clock's resolution)."""
        if self.path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".stamp-")
        os.close(fd)
        os.replace(tmp, self.path)
