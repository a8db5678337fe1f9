"""The worker's half of deadlines: close appeals past their take-action-before date."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask

from tracker import unit_of_work
from tracker.services.letters.deadlines import close_expired_appeals

log = logging.getLogger(__name__)


def close_expired(app: Flask, today: dt.date | None = None) -> int:
    """Close every appeal past its date, in one unit of work; how many were closed."""
    day = today or dt.date.today()
    closed = unit_of_work.background(app, lambda session: len(close_expired_appeals(session, day)))
    if closed:
        log.info("closed %d appeal(s) past their take-action-before date", closed)
    return closed
