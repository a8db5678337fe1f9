"""The Huey queue of an installation: SQLite in the instance folder, or Redis for several machines.

Huey carries only "run job N" messages; the job's state lives in our database (tracker/jobs/
records.py), so a message lost with a killed worker is found again by `reap_stale_jobs`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from tracker.domain.messages import M_

_lock = threading.Lock()
_hueys: dict[tuple[str, str, str, int], Huey] = {}
_run_job: dict[int, Any] = {}  # id(huey) -> its "run_job" task wrapper


class QueueConfigError(ValueError):
    """TRACKER_QUEUE_URL names a queue we cannot use."""


def describe_queue(config: Mapping[str, Any]) -> str:
    """Where the queue lives, for `tracker doctor` and the logs (no password)."""
    url = str(config.get("QUEUE_URL") or "")
    if not url:
        return f"SQLite {_sqlite_path(config)} (embedded)"
    if "@" in url:
        scheme, rest = url.split("://", 1)
        url = f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
    return url


def _sqlite_path(config: Mapping[str, Any]) -> str:
    url = str(config.get("QUEUE_URL") or "")
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    return os.path.join(str(config["JOBS_DIR"]), "queue.db")


def huey_for(config: Mapping[str, Any]) -> Huey:
    """The Huey instance for this configuration, with our tasks registered (one per process)."""
    url = str(config.get("QUEUE_URL") or "")
    name = str(config.get("QUEUE_NAME") or "tracker")
    hour = int(config.get("REMINDERS_HOUR", 7))
    key = (url, name, str(config["JOBS_DIR"]), hour)
    with _lock:
        huey = _hueys.get(key)
        if huey is None:
            huey = _make(config, url, name)
            _register(huey, hour)
            _hueys[key] = huey
        return huey


def _make(config: Mapping[str, Any], url: str, name: str) -> Huey:
    if url.startswith(("redis://", "rediss://", "unix://")):
        # results=False: our database holds each job's state; Huey only carries messages.
        return RedisHuey(name=name, url=url, results=False)
    if not url or url.startswith("sqlite:///"):
        path = _sqlite_path(config)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return SqliteHuey(name=name, filename=path, results=False)
    raise QueueConfigError(
        M_(
            "TRACKER_QUEUE_URL must be empty (embedded queue), sqlite:///PATH or redis://…, "
            "not %(url)s",
            url=repr(url),
        )
    )


def _register(huey: Huey, reminders_hour: int) -> None:
    from tracker.jobs import runner

    _run_job[id(huey)] = huey.task(name="run_job")(runner.run_job)
    # Every minute: retry jobs whose worker died, delete expired results.
    huey.periodic_task(crontab(minute="*"), name="housekeeping")(runner.housekeeping)
    huey.periodic_task(crontab(minute="0", hour=str(reminders_hour)), name="daily_reminders")(
        runner.daily_reminders
    )


def enqueue(config: Mapping[str, Any], job_id: int) -> None:
    """Put "run job N" on the queue; call it after the job's row is committed."""
    _run_job[id(huey_for(config))](job_id)
