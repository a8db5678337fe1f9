"""Appeals past their take-action-before date are closed by the first request of each day.

The worker closes them every minute (tracker/jobs/deadlines.py); this is the lazy half, for an
installation whose worker is not running: each process checks once a day, before the request
reads anything, and closes what expired within that request's unit of work.
"""

from __future__ import annotations

import datetime as dt
import threading

from flask import Flask, current_app, request
from sqlalchemy.exc import OperationalError

from tracker import unit_of_work
from tracker.database import set_write_intent
from tracker.extensions import db
from tracker.services.letters.deadlines import close_expired_appeals, expired_appeals_exist

CHECKED = "deadlines_checked_on"
_lock = threading.Lock()


def _close_expired_once_a_day() -> None:
    today = dt.date.today()
    extensions = current_app.extensions
    if extensions.get(CHECKED) == today or request.endpoint in (None, "static"):
        return
    with _lock:
        if extensions.get(CHECKED) == today:
            return
        extensions[CHECKED] = today
    try:
        if not expired_appeals_exist(db.session, today):
            return
        # Start again as a writing transaction (BEGIN IMMEDIATE on SQLite): the request goes
        # on in it and commits the closing with its own answer.
        unit_of_work.rollback()
        set_write_intent(True)
        closed = close_expired_appeals(db.session, today)
        unit_of_work.keep_changes()  # committed even when this request's answer is a 4xx
        current_app.logger.info("closed %d appeal(s) past their date", len(closed))
    except OperationalError as exc:  # a read-only database: the worker will close them
        unit_of_work.rollback()
        current_app.logger.warning("appeals past their date not closed: %s", exc.orig)


def init_app(app: Flask) -> None:
    """Check for expired appeals before the first request of each day, in every process."""
    app.before_request(_close_expired_once_a_day)
