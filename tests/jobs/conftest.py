"""Fixtures for job tests: a committed database, a queue per backend, a real worker process.

Every job test runs against the embedded SQLite queue and against Redis on 127.0.0.1:6379;
the Redis runs are skipped, saying so, only when no Redis server answers there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.extensions import db as _db
from tracker.models import Job
from tracker.services.accounts.users import create_user
from tracker.services.letters.editing import create_campaign

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest) -> str:
    """The embedded queue (empty URL), then Redis."""
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts redis-server)")
        return REDIS_URL
    return ""


@dataclass
class JobsSite:
    """An installation for job tests: its app, environment for subprocesses, and helpers."""

    app: Flask
    env: dict[str, str]
    instance: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, *args: str) -> subprocess.Popen[bytes]:
        """`tracker worker` in its own process group (so kill -9 reaches its children)."""
        with open(self.instance / f"worker-{len(self.workers)}.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tracker", "worker", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers.append(proc)
        return proc

    def kill_worker(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        proc.wait(timeout=30)

    def job(self, job_id: int) -> Job:
        with self.app.app_context():
            job = _db.session.get(Job, job_id)
            assert job is not None
            _db.session.expunge(job)
            _db.session.remove()
            return job

    def wait_for(self, job_id: int, done: Callable[[Job], bool], timeout: float = 120) -> Job:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if done(job):
                return job
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-3000:] for p in self.instance.glob("worker-*.log"))
        raise AssertionError(f"job {job_id} stuck in {self.job(job_id).status}\n{logs}")


@pytest.fixture
def jobs_site(fresh_database: str, tmp_path: Path, queue_url: str) -> Iterator[JobsSite]:
    instance = tmp_path / "instance"
    instance.mkdir()
    name = f"tracker-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": fresh_database,
        "TRACKER_INSTANCE_PATH": str(instance),
        "TRACKER_QUEUE_URL": queue_url,
        "TRACKER_QUEUE_NAME": name,
        "TRACKER_SECRET_KEY": "test-secret-key",
        "TRACKER_JOB_STALE_AFTER": "2",
    }
    env.pop("TRACKER_JOBS_DIR", None)
    app = make_app(
        fresh_database,
        instance_path=None,
        QUEUE_URL=queue_url,
        QUEUE_NAME=name,
        JOBS_DIR=str(instance / "jobs"),
        JOB_STALE_AFTER=2,
        PDF_CACHE_DIR=str(instance / "pdf-cache"),
    )
    site = JobsSite(app, env, instance)
    yield site
    for proc in site.workers:
        site.kill_worker(proc)
    if queue_url:
        from tracker.jobs.queue import huey_for

        huey_for(app.config).flush()
    with app.app_context():
        _db.engine.dispose()


def seed_campaign(app: Flask, letters: int, *, language: str = "en") -> tuple[str, int]:
    """A committed campaign with `letters` active public appeals: (slug, caseworker id)."""
    with app.app_context():
        session = _db.session
        user = create_user(session, None, "worker@example.org", "correct-horse-7", "caseworker")
        campaign = create_campaign(session, user, {"name": "Write for Rights"})
        addressee = make_addressee(session, user)
        for i in range(letters):
            case = make_case(session, user, f"VN-J{i:04d}", f"Packed Person{i:04d}")
            make_appeal(session, user, case, addressee, campaign=campaign.slug, language=language)
        session.commit()
        result = (campaign.slug, user.id)
        session.remove()
        return result


def start_pack(app: Flask, slug: str, user_id: int, **options: Any) -> int:
    """Start and enqueue a pack job as the web and API do: commit, then enqueue."""
    import datetime as dt

    from tracker.jobs.kinds import pack_params
    from tracker.jobs.queue import enqueue
    from tracker.jobs.records import start_job
    from tracker.models import User

    with app.app_context():
        user = _db.session.get(User, user_id)
        params = pack_params(slug, today=dt.date(2024, 5, 1), **options)
        job, _new = start_job(_db.session, user, "campaign_pack", params)
        _db.session.commit()
        enqueue(app.config, job.id)
        job_id = job.id
        _db.session.remove()
        return job_id
