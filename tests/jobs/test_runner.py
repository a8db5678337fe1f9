"""The job runner in this process: one claim per job, stale jobs retried then failed, expiry."""

from __future__ import annotations

import datetime as dt

from tests.conftest import login_as
from tests.jobs.conftest import JobsSite, seed_campaign, start_pack
from tests.pdf.conftest import pdf_text
from tracker.extensions import db
from tracker.jobs.queue import huey_for
from tracker.jobs.runner import expire_results, reap_stale_jobs, results_dir, run_claimed
from tracker.models import Job, User
from tracker.models.base import utcnow


def _set(site: JobsSite, job_id: int, **values: object) -> None:
    with site.app.app_context():
        job = db.session.get(Job, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()
        db.session.remove()


def test_a_job_delivered_twice_runs_once(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 2)
    job_id = start_pack(jobs_site.app, slug, user_id, paper="letter", language="en")
    with jobs_site.app.app_context():
        assert run_claimed(jobs_site.app, job_id) == "done"
        assert run_claimed(jobs_site.app, job_id) == "skipped"
    job = jobs_site.job(job_id)
    assert job.status == "done" and job.attempts == 1
    assert job.result_name == f"pack-{slug}-en-letter.pdf"
    text = pdf_text((results_dir(jobs_site.app.config) / str(job.result_file)).read_bytes())
    assert "Packed Person0000" in text and "Packed Person0001" in text


def test_the_same_pack_asked_twice_is_one_job(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 1)
    first = start_pack(jobs_site.app, slug, user_id)
    assert start_pack(jobs_site.app, slug, user_id) == first
    assert start_pack(jobs_site.app, slug, user_id, paper="letter") != first


def test_a_pack_that_cannot_be_printed_fails_with_a_reason_and_no_retry(
    jobs_site: JobsSite,
) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 1, language="en")
    job_id = start_pack(jobs_site.app, slug, user_id, language="fa")
    with jobs_site.app.app_context():
        assert run_claimed(jobs_site.app, job_id) == "failed"
    job = jobs_site.job(job_id)
    assert job.status == "failed" and job.attempts == 1
    assert "no active appeal" in job.error


def test_a_refused_pack_says_why_in_the_readers_language(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 1, language="en")
    job_id = start_pack(jobs_site.app, slug, user_id, language="fa")
    with jobs_site.app.app_context():
        assert run_claimed(jobs_site.app, job_id) == "failed"
        user = db.session.get(User, user_id)
        assert user is not None
        client = jobs_site.app.test_client()
        login_as(client, user)
        db.session.remove()
    french = client.get(f"/staff/jobs/{job_id}?lang=fr").get_data(as_text=True)
    assert "Il n&#39;y a aucun appel en cours à imprimer." in french
    assert "There is no active appeal" not in french
    arabic = client.get(f"/staff/jobs/{job_id}?lang=ar").get_data(as_text=True)
    assert "لا يوجد نداء نشط للطباعة." in arabic
    # The API and the row keep the English reason.
    assert jobs_site.job(job_id).error == "There is no active appeal to print."


def test_stale_running_job_is_queued_again_then_failed_after_the_last_attempt(
    jobs_site: JobsSite,
) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 1)
    job_id = start_pack(jobs_site.app, slug, user_id)
    huey = huey_for(jobs_site.app.config)
    huey.flush()
    long_ago = utcnow() - dt.timedelta(minutes=5)
    _set(jobs_site, job_id, status="running", attempts=1, heartbeat_at=long_ago)
    with jobs_site.app.app_context():
        assert reap_stale_jobs(jobs_site.app.config) == (1, 0)
    assert jobs_site.job(job_id).status == "queued"
    assert huey.pending_count() == 1  # the lost message is sent again

    # A job with a fresh heartbeat is left alone.
    _set(jobs_site, job_id, status="running", heartbeat_at=utcnow())
    with jobs_site.app.app_context():
        assert reap_stale_jobs(jobs_site.app.config) == (0, 0)

    _set(jobs_site, job_id, status="running", attempts=3, heartbeat_at=long_ago)
    with jobs_site.app.app_context():
        assert reap_stale_jobs(jobs_site.app.config) == (0, 1)
    job = jobs_site.job(job_id)
    assert job.status == "failed" and "worker stopped" in job.error


def test_results_expire_after_the_configured_time(jobs_site: JobsSite) -> None:
    slug, user_id = seed_campaign(jobs_site.app, 1)
    job_id = start_pack(jobs_site.app, slug, user_id)
    with jobs_site.app.app_context():
        run_claimed(jobs_site.app, job_id)
    job = jobs_site.job(job_id)
    path = results_dir(jobs_site.app.config) / str(job.result_file)
    assert path.is_file()
    ttl = jobs_site.app.config["JOB_RESULT_TTL"]
    assert abs((job.expires_at - job.finished_at).total_seconds() - ttl) < 5
    with jobs_site.app.app_context():
        assert expire_results(jobs_site.app.config) == 0
        assert expire_results(jobs_site.app.config, utcnow() + dt.timedelta(seconds=ttl + 1)) == 1
    assert not path.exists()
    assert jobs_site.job(job_id).result_file is None
