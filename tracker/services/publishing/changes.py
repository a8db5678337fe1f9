"""A stamp file that tells every server process, at once, that published data changed.

Each process keeps the letter states it read for a moment (state_memo.StateMemo). A commit
that wrote a case, status change, appeal, addressee or copies-to row replaces the stamp file in
the instance folder before the request returns (state_memo's listeners); every download first
looks at the stamp (one `stat`, a few microseconds) and drops its memo when the stamp changed.
So an unpublished case or withdrawn letter is refused by every process as soon as the request
that withdrew it has returned. Where the stamp cannot be written (a read-only instance folder),
no process memoises. Processes on other machines sharing one PostgreSQL database do not share
the folder: run them with LETTER_STATE_TTL_SECONDS = 0.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

STAMP_FILE = "publication-stamp"


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
