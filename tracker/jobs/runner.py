"""Run one job in a worker process: claim it, beat a heartbeat, record progress, keep the result.

A job is its own unit of work and this module is the one place where it commits: each state
change (claimed, progress, done, failed) is a short UPDATE committed on its own connection,
so the web sees progress while the job's long read-only session stays open.

A worker killed mid-job (kill -9, out of memory, a lost machine) leaves its job `running` with
a heartbeat that stops; `reap_stale_jobs` (every minute, and when a worker starts) puts it back
on the queue until JOB_MAX_ATTEMPTS, then marks it failed. Claiming is one conditional UPDATE,
so a message delivered twice runs the job once.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from tracker.database import write_intent
from tracker.domain.errors import TrackerError
from tracker.domain.messages import Message, Mn_, message_data
from tracker.extensions import db
from tracker.models import Job
from tracker.models.base import utcnow
from tracker.services.letters.compose import LetterError

log = logging.getLogger(__name__)


def worker_died(attempts: int) -> Message:
    """Why a job whose worker stopped on each of its attempts has failed."""
    return Mn_(
        "The worker stopped while running this job; it was tried %(num)s time.",
        "The worker stopped while running this job; it was tried %(num)s times.",
        attempts,
    )


def internal_error(attempts: int) -> Message:
    """Why a job that raised an unexpected error on each of its attempts has failed."""
    return Mn_(
        "The job failed with an internal error; it was tried %(num)s time.",
        "The job failed with an internal error; it was tried %(num)s times.",
        attempts,
    )


_app: Flask | None = None
_app_pid = 0

# A pack renders in forked processes (services/letters/pack.py) while the heartbeat thread
# writes to the database. A fork taken while that thread is inside the connection pool or the
# driver copies their locks held into the child, which may then wait on them forever (seen on
# PostgreSQL: a pack job "running" for good). So no fork happens in the middle of a beat.
_BEAT_LOCK = threading.Lock()
os.register_at_fork(
    before=_BEAT_LOCK.acquire,
    after_in_parent=_BEAT_LOCK.release,
    after_in_child=_BEAT_LOCK.release,
)


def use_app(app: Flask) -> None:
    """The app whose configuration and database the jobs of this process use."""
    global _app, _app_pid
    _app, _app_pid = app, os.getpid()


def worker_app() -> Flask:
    """This process's app (created from the environment when none was set)."""
    global _app, _app_pid
    if _app is None:
        from tracker import create_app

        _app, _app_pid = create_app(), os.getpid()
    elif _app_pid != os.getpid():
        # A forked worker must not share its parent's database connections.
        with _app.app_context():
            db.engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app


def _update(job_id: int, statuses: tuple[str, ...] | None = None, **values: Any) -> int:
    """One committed UPDATE of a job row; the number of rows changed (0 or 1)."""
    statement = update(Job).where(Job.id == job_id)
    if statuses:
        statement = statement.where(Job.status.in_(statuses))
    with write_intent(), db.engine.begin() as conn:
        return int(conn.execute(statement.values(**values)).rowcount)


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every few seconds while the job runs (a render holds no lock)."""

    def __init__(self, app: Flask, job_id: int, interval: float) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.app, self.job_id, self.interval = app, job_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with _BEAT_LOCK, self.app.app_context():
                    _update(self.job_id, ("running",), heartbeat_at=utcnow())
            except Exception:  # a missed beat is retried; the job itself goes on
                log.warning("job %d: heartbeat failed", self.job_id, exc_info=True)


class Progress:
    """The `progress(fraction)` callback a job reports through, written at most twice a second."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.value = 0.0

    def __call__(self, fraction: float) -> None:
        fraction = max(0.0, min(float(fraction), 0.99))
        now = time.monotonic()
        if fraction > self.value and now - self.last >= 0.5:
            self.value, self.last = fraction, now
            _update(self.job_id, ("running",), progress=round(fraction, 3), heartbeat_at=utcnow())


def _allow_render_pool() -> None:
    # Huey's worker processes are daemons, and multiprocessing refuses to let a daemon start
    # children. A pack's render pool (tracker/services/letters/pack.py) is joined before the
    # job ends, and its processes share the worker's process group, so a kill of the worker
    # (Ctrl-C, kill -9 of the group) takes them too.
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]


def run_job(job_id: int) -> None:
    """The Huey task: run job `job_id` once, whatever number of times the message arrives."""
    _allow_render_pool()
    app = worker_app()
    with app.app_context():
        try:
            run_claimed(app, job_id)
        finally:
            db.session.remove()


def run_claimed(app: Flask, job_id: int) -> str:
    """Claim the job and run it; its final status (or `skipped` when another took it)."""
    from tracker.jobs.kinds import KINDS, JobContext

    now = utcnow()
    claimed = _update(
        job_id,
        ("queued",),
        status="running",
        attempts=Job.attempts + 1,
        started_at=now,
        heartbeat_at=now,
        progress=0.0,
        error="",
        error_message=None,
    )
    if not claimed:
        log.info("job %d: not queued any more (taken, finished or unknown), skipped", job_id)
        return "skipped"
    job = db.session.get(Job, job_id)
    assert job is not None
    kind, params, attempts = job.kind, dict(job.params), job.attempts
    config = app.config
    beat = _Heartbeat(app, job_id, max(0.5, int(config["JOB_STALE_AFTER"]) / 4))
    beat.start()
    started = time.perf_counter()
    try:
        result = KINDS[kind].run(JobContext(db.session, config, params, Progress(job_id)))
    except (TrackerError, LetterError) as exc:
        # The job cannot be done as asked (no appeal left to print, a letter too long):
        # trying again would fail the same way.
        _fail(job_id, str(getattr(exc, "message", exc)))
        return "failed"
    except Exception:
        log.exception("job %d (%s) failed on attempt %d", job_id, kind, attempts)
        if attempts < int(config["JOB_MAX_ATTEMPTS"]):
            _update(job_id, ("running",), status="queued", heartbeat_at=utcnow())
            _enqueue_quietly(config, job_id)
            return "queued"
        _fail(job_id, internal_error(attempts))
        return "failed"
    finally:
        beat.stopped.set()
        db.session.rollback()
    values: dict[str, Any] = {"status": "done", "progress": 1.0, "finished_at": utcnow()}
    if result is not None:
        old = job.result_file
        values["result_file"] = _store(config, job_id, result.data, result.extension)
        values["result_name"] = result.filename
        values["expires_at"] = utcnow() + dt.timedelta(seconds=int(config["JOB_RESULT_TTL"]))
        if old:
            _remove(config, old)
    _update(job_id, **values)
    log.info("job %d (%s) done in %.1f s", job_id, kind, time.perf_counter() - started)
    return "done"


def _fail(job_id: int, message: str) -> None:
    # English in `error` (the API's, the log's); the message itself, to be worded for a reader.
    _update(
        job_id,
        status="failed",
        error=str.__str__(message)[:2000],
        error_message=message_data(message),
        finished_at=utcnow(),
    )


def _enqueue_quietly(config: Mapping[str, Any], job_id: int) -> None:
    from tracker.jobs.queue import enqueue

    try:
        enqueue(config, job_id)
    except Exception:  # the reaper enqueues it again later
        log.warning("job %d: could not be put back on the queue", job_id, exc_info=True)


def results_dir(config: Mapping[str, Any]) -> Path:
    """Where finished jobs keep their files."""
    return Path(str(config["JOBS_DIR"])) / "results"


def _store(config: Mapping[str, Any], job_id: int, data: bytes, extension: str) -> str:
    directory = results_dir(config)
    directory.mkdir(parents=True, exist_ok=True)
    # An unguessable name: the file is only ever served through the job's access check.
    name = f"{job_id}-{secrets.token_hex(8)}.{extension}"
    part = directory / (name + ".part")
    part.write_bytes(data)
    os.replace(part, directory / name)
    return name


def _remove(config: Mapping[str, Any], name: str) -> None:
    path = results_dir(config) / Path(name).name
    path.unlink(missing_ok=True)


def reap_stale_jobs(config: Mapping[str, Any], now: dt.datetime | None = None) -> tuple[int, int]:
    """Requeue (or fail, after JOB_MAX_ATTEMPTS) jobs whose worker stopped: (requeued, failed).

    Also re-sends queued jobs whose message has waited very long (it may have been lost
    between dequeue and claim); a duplicate message is harmless, the claim takes it once.
    """
    now = now or utcnow()
    stale = dt.timedelta(seconds=int(config["JOB_STALE_AFTER"]))
    max_attempts = int(config["JOB_MAX_ATTEMPTS"])
    last_sign = func.coalesce(Job.heartbeat_at, Job.created_at)
    rows = db.session.execute(
        select(Job.id, Job.status, Job.attempts).where(
            ((Job.status == "running") & (last_sign < now - stale))
            | ((Job.status == "queued") & (last_sign < now - 5 * stale))
        )
    ).all()
    db.session.rollback()
    requeued = failed = 0
    for job_id, status, attempts in rows:
        if status == "running" and attempts >= max_attempts:
            if _update(
                job_id,
                ("running",),
                status="failed",
                error=str.__str__(worker_died(attempts)),
                error_message=message_data(worker_died(attempts)),
                finished_at=now,
            ):
                failed += 1
            continue
        if _update(job_id, (status,), status="queued", heartbeat_at=now):
            log.warning("job %d: %s without a sign of life, queued again", job_id, status)
            _enqueue_quietly(config, job_id)
            requeued += 1
    return requeued, failed


def expire_results(config: Mapping[str, Any], now: dt.datetime | None = None) -> int:
    """Delete the files of results past JOB_RESULT_TTL; the job row stays, without a file."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Job.id, Job.result_file).where(Job.result_file.is_not(None), Job.expires_at < now)
    ).all()
    db.session.rollback()
    for job_id, name in rows:
        _remove(config, name)
        _update(job_id, result_file=None)
    return len(rows)


def housekeeping() -> None:
    """The every-minute task: reap stale jobs, expire old results, close appeals past their
    date, forget failed sign-ins that can no longer lock anyone out."""
    from tracker import unit_of_work
    from tracker.jobs.deadlines import close_expired
    from tracker.services.accounts.throttle import prune_failures

    app = worker_app()
    with app.app_context():
        try:
            reap_stale_jobs(app.config)
            expire_results(app.config)
        finally:
            db.session.remove()
    close_expired(app)
    unit_of_work.background(app, prune_failures)


def daily_reminders() -> None:
    """The daily task: mail each caseworker their digest (when mail is configured)."""
    from tracker.jobs.reminders import send_reminders

    app = worker_app()
    with app.app_context():
        try:
            if app.config.get("MAIL_URL"):
                send_reminders(db.session, app.config, dt.date.today())
            else:
                log.info("reminders: TRACKER_MAIL_URL is not set, nothing sent")
        finally:
            db.session.remove()
