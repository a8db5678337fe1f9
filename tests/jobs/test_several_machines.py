"""Two web processes (gunicorn) and a worker on one PostgreSQL and Redis complete a pack job.

This is the "Running on several machines" set-up of the README on one machine: the web
process that takes the request is not the one that reports the job done or serves the file.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL
from tests.jobs.conftest import REDIS_URL, JobsSite, redis_is_up, seed_campaign
from tests.pdf.conftest import pdf_text
from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts.users import create_token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TRACKER_TEST_DATABASE_URL"),
]


@pytest.fixture
def queue_url() -> str:
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts redis-server)")
    return REDIS_URL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(port: int, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        data = response.read()
        return response.status, (
            json.loads(data) if response.headers.get_content_type() == "application/json" else data
        )


def _gunicorn(site: JobsSite, port: int) -> subprocess.Popen[bytes]:
    with open(site.instance / f"web-{port}.log", "wb") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "tracker:create_app()",
            ],
            env=site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site.workers.append(proc)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            assert time.monotonic() < deadline, (site.instance / f"web-{port}.log").read_text()
            time.sleep(0.3)


def test_two_web_processes_and_a_worker_share_a_pack_job(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 3)
    with jobs_site.app.app_context():
        token = create_token(db.session, None, db.session.get(User, user_id), "ci")
        db.session.commit()
        db.session.remove()
    web_a, web_b = _free_port(), _free_port()
    _gunicorn(jobs_site, web_a)
    _gunicorn(jobs_site, web_b)
    jobs_site.start_worker()

    status, started = _call(web_a, f"/api/v1/campaigns/{slug}/pack", token, {"paper": "a4"})
    assert status == 202
    job_id = started["job"]
    deadline = time.monotonic() + 120
    while True:
        status, state = _call(web_b, f"/api/v1/jobs/{job_id}", token)
        if state["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert state["status"] == "done", state
    status, pdf = _call(web_b, state["result_url"], token)
    assert status == 200
    text = pdf_text(pdf)
    assert all(f"Packed Person000{i}" in text for i in range(3))
    assert os.path.isdir(jobs_site.instance / "jobs" / "results")
