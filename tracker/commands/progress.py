"""Progress bars for long commands: shown on a terminal, silent in pipes and logs."""

from __future__ import annotations

import sys
from typing import Any

import click

LABELS = {"check": "Checking", "write": "Importing", "export": "Exporting"}


class PhaseBars:
    """A `progress(phase, done, total)` callback drawing one click bar per phase on a TTY."""

    def __init__(self) -> None:
        self.enabled = sys.stdout.isatty()
        self.phase: str | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            self.phase, self.done = phase, 0
            self.bar = click.progressbar(length=max(total, 1), label=LABELS.get(phase, phase))
            self.bar.__enter__()
        if done > self.done:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        """Finish the bar on screen, if any."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
