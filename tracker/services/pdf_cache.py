"""Rendered PDFs on disk, shared by every server process, kept across restarts, bounded.

The cache is an optimisation, never a requirement: a cache folder that cannot be read or
written (a read-only instance folder, a full disk) means the document is rendered and served
without being kept. The folder is bounded: files older than MAX_AGE_SECONDS go, and when it
holds more than MAX_BYTES the oldest go first. A process sweeps at most every SWEEP_SECONDS,
after a write (a hit costs no more than reading the file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_BYTES = 256 * 2**20
MAX_AGE_SECONDS = 30 * 24 * 3600
SWEEP_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class CachedFile:
    """A cached (or just rendered) document: its bytes, ETag, and where it is kept if it is."""

    data: bytes
    etag: str
    size: int
    path: Path | None = None


def cache_key(*parts: Any) -> str:
    """A stable hash of everything that changes the bytes of a document."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


_last_sweep: dict[str, float] = {}
_sweep_lock = threading.Lock()
_warned: set[str] = set()


def _warn_once(cache_dir: Path, exc: OSError) -> None:
    if str(cache_dir) not in _warned:
        _warned.add(str(cache_dir))
        log.warning("PDF cache %s not usable (%s): rendering without caching", cache_dir, exc)


def get_or_render(
    cache_dir: str | Path,
    key: str,
    render: Callable[[], bytes],
    *,
    max_bytes: int = MAX_BYTES,
    max_age: float = MAX_AGE_SECONDS,
) -> CachedFile:
    """The cached file for `key`, rendering and storing it first when missing."""
    root = Path(cache_dir)
    directory = root / key[:2]
    path = directory / f"{key}.pdf"
    etag = key[:32]
    try:
        data = path.read_bytes()
        return CachedFile(data=data, etag=etag, size=len(data), path=path)
    except FileNotFoundError:
        pass
    except OSError as exc:  # unreadable: render as if it were not there
        _warn_once(root, exc)
    data = render()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Write then rename: another process sees the whole file or none.
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        _warn_once(root, exc)
        return CachedFile(data=data, etag=etag, size=len(data))
    sweep(root, max_bytes=max_bytes, max_age=max_age)
    return CachedFile(data=data, etag=etag, size=len(data), path=path)


def sweep(
    cache_dir: str | Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_age: float = MAX_AGE_SECONDS,
    force: bool = False,
) -> int:
    """Remove expired files, then the oldest until the folder fits; the number removed."""
    root = Path(cache_dir)
    now = time.time()
    with _sweep_lock:
        if not force and now - _last_sweep.get(str(root), 0.0) < SWEEP_SECONDS:
            return 0
        _last_sweep[str(root)] = now
    files: list[tuple[float, int, Path]] = []
    try:
        for path in root.glob("*/*"):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            files.append((st.st_mtime, st.st_size, path))
    except OSError:
        return 0
    files.sort()
    total = sum(size for _, size, _ in files)
    removed = 0
    for mtime, size, path in files:
        stale_tmp = path.suffix == ".tmp" and now - mtime > 3600
        if not (now - mtime > max_age or total > max_bytes or stale_tmp):
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
        total -= size
        removed += 1
    return removed
