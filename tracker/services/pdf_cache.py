"""Rendered PDFs on disk, shared by every server process and kept across restarts."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class CachedFile:
    """A cached document: where it is, its ETag and size."""

    path: Path
    etag: str
    size: int


def cache_key(*parts: Any) -> str:
    """A stable hash of everything that changes the bytes of a document."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def get_or_render(cache_dir: str | Path, key: str, render: Callable[[], bytes]) -> CachedFile:
    """The cached file for `key`, rendering and storing it first when missing."""
    directory = Path(cache_dir) / key[:2]
    path = directory / f"{key}.pdf"
    if not path.exists():
        data = render()
        directory.mkdir(parents=True, exist_ok=True)
        # Write then rename: another process sees the whole file or none.
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return CachedFile(path=path, etag=key[:32], size=path.stat().st_size)
