"""A real `tracker worker` process runs packs from the queue, and survives being killed mid-job."""

from __future__ import annotations

import signal
import time

import pytest

from tests.jobs.conftest import JobsSite, seed_campaign, start_pack
from tests.pdf.conftest import pdf_text
from tracker.jobs.runner import results_dir

pytestmark = pytest.mark.slow


def test_worker_renders_a_queued_pack_and_keeps_the_result(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 3)
    job_id = start_pack(jobs_site.app, slug, user_id)
    assert jobs_site.job(job_id).status == "queued"
    jobs_site.start_worker()
    job = jobs_site.wait_for(job_id, lambda j: j.finished)
    assert job.status == "done", job.error
    assert job.progress == 1.0 and job.attempts == 1
    assert job.result_name == f"pack-{slug}-a4.pdf"
    assert job.expires_at is not None and job.expires_at > job.finished_at
    text = pdf_text((results_dir(jobs_site.app.config) / str(job.result_file)).read_bytes())
    assert all(f"Packed Person000{i}" in text for i in range(3))


def test_worker_killed_mid_job_leaves_the_job_retried_not_lost(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 60)
    job_id = start_pack(jobs_site.app, slug, user_id)
    first = jobs_site.start_worker()
    jobs_site.wait_for(job_id, lambda j: j.status == "running" and j.progress > 0)
    jobs_site.kill_worker(first, signal.SIGKILL)  # the consumer and its worker process, at once
    killed = jobs_site.job(job_id)
    assert killed.status == "running" and killed.progress < 1 and killed.attempts == 1
    # No heartbeat any more: after JOB_STALE_AFTER (2 s here) the next worker takes it again.
    time.sleep(2.5)
    jobs_site.start_worker()
    job = jobs_site.wait_for(job_id, lambda j: j.finished, timeout=240)
    assert job.status == "done", job.error
    assert job.attempts == 2
    text = pdf_text((results_dir(jobs_site.app.config) / str(job.result_file)).read_bytes())
    assert "Packed Person0000" in text and "Packed Person0059" in text
