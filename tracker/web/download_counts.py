"""Downloads tallied in a web process reach the database in time and are not lost at exit.

A timer thread writes the tally COUNTER_FLUSH_SECONDS at most after its first pending count,
whether or not another download arrives; an exit hook (a graceful gunicorn restart or stop,
Ctrl-C of the development server) writes what is left before the process ends.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from flask import Flask
from sqlalchemy.exc import OperationalError

from tracker import unit_of_work
from tracker.services.letters.counters import DownloadTally

log = logging.getLogger(__name__)


class DownloadFlusher:
    """Writes one application's tally from a timer thread and at exit."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.tally = DownloadTally(on_pending=self.wake)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        atexit.register(self.flush_now)

    def wake(self) -> None:
        """A first count is pending: make sure the timer runs in this process."""
        if float(self.app.config["COUNTER_FLUSH_SECONDS"]) <= 0:
            return  # each request writes its own count (tracker/web/public.py)
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                # A forked process has no thread of its parent: start one of its own.
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="download-counts", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            interval = float(self.app.config["COUNTER_FLUSH_SECONDS"])
            # Leave room for the write itself: visible within the interval, not just after.
            time.sleep(max(0.0, interval * 0.8 - 0.05))
            try:
                self.flush_now()
            except Exception:  # counts were put back; the next download wakes us again
                log.warning("download counts not written yet", exc_info=True)
                self._wake.set()
                time.sleep(max(1.0, interval))

    def flush_now(self) -> int:
        """Write every pending count now; on failure they stay pending."""
        with self.tally.flushing:
            pending = self.tally.take()
            if not pending:
                return 0
            try:
                return unit_of_work.background(self.app, lambda s: self.tally.write(s, pending))
            except OperationalError as exc:
                if "readonly" in str(exc.orig).replace("-", "").replace(" ", "").lower():
                    # A read-only database (instance folder): these counts cannot be kept,
                    # as when a request writes them; letters are still served.
                    log.warning("download counts not written: %s", exc.orig)
                    return 0
                self.tally.restore(pending)
                raise
            except Exception:
                self.tally.restore(pending)
                raise


def install(app: Flask) -> DownloadTally:
    """The tally of `app`, written by its timer and at exit."""
    flusher = DownloadFlusher(app)
    app.extensions["download_flusher"] = flusher
    return flusher.tally
