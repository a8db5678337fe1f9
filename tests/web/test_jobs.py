"""Staff job pages: a pack is started as a job, followed on a self-refreshing page, downloaded."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token_from, login_as
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.jobs.queue import huey_for
from tracker.jobs.runner import results_dir
from tracker.models import Campaign, Job, User
from tracker.models.base import utcnow
from tracker.services.letters.editing import create_campaign


@pytest.fixture
def campaign(db: Any, caseworker: User) -> Campaign:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, caseworker)
    case = make_case(db, caseworker, "VN-2017-TTN", "Tran Thi Nga")
    make_appeal(db, caseworker, case, addressee, campaign=campaign.slug)
    db.commit()
    return campaign


def _start(client: FlaskClient, campaign: Campaign, **fields: str) -> Any:
    page = f"/staff/campaigns/{campaign.id}"
    token = csrf_token_from(client, page)
    return client.post(f"{page}/pack", data={"csrf_token": token, **fields})


def test_campaign_pack_is_started_as_a_job_not_rendered_in_the_request(
    app: Flask, client: FlaskClient, db: Any, campaign: Campaign, viewer: User
) -> None:
    db.commit()
    login_as(client, viewer)
    huey = huey_for(app.config)
    huey.flush()
    page = client.get(f"/staff/campaigns/{campaign.id}").text
    assert "Print the campaign (1 letter)" in page
    response = _start(client, campaign, paper="letter", event="1", instructions="Meet at 10.")
    assert response.status_code == 303
    job_id = int(re.search(r"/staff/jobs/(\d+)$", response.headers["Location"]).group(1))
    job = db.get(Job, job_id)
    assert job.status == "queued" and job.kind == "campaign_pack"
    assert job.params["paper"] == "letter" and job.params["event"] is True
    assert job.params["instructions"] == "Meet at 10." and job.created_by_id == viewer.id
    assert huey.pending_count() == 1  # handed to the queue after the commit
    # Pressing the button again joins the job under way.
    again = _start(client, campaign, paper="letter", event="1", instructions="Meet at 10.")
    assert again.headers["Location"].endswith(f"/staff/jobs/{job_id}")
    assert huey.pending_count() == 1
    huey.flush()


def test_job_page_refreshes_itself_without_script_until_done_then_offers_the_download(
    app: Flask, client: FlaskClient, db: Any, campaign: Campaign, caseworker: User
) -> None:
    login_as(client, caseworker)
    huey_for(app.config).flush()
    job_id = int(_start(client, campaign).headers["Location"].rsplit("/", 1)[1])
    huey_for(app.config).flush()
    page = client.get(f"/staff/jobs/{job_id}")
    assert page.status_code == 200 and "Waiting for a worker" in page.text
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "<script>" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]

    job = db.get(Job, job_id)
    job.status, job.progress = "running", 0.4
    db.commit()
    assert "Working: 40% done." in client.get(f"/staff/jobs/{job_id}").text

    # What the worker leaves behind when it is done.
    folder = results_dir(app.config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job_id}-test.pdf").write_bytes(b"%PDF-1.7 pack")
    job.status, job.progress, job.finished_at = "done", 1.0, utcnow()
    job.result_file, job.result_name = f"{job_id}-test.pdf", "pack-write-for-rights-2020-a4.pdf"
    job.expires_at = utcnow() + dt.timedelta(hours=1)
    db.commit()
    page = client.get(f"/staff/jobs/{job_id}").text
    assert "http-equiv" not in page and "Download pack-write-for-rights-2020-a4.pdf" in page
    download = client.get(f"/staff/jobs/{job_id}/result")
    assert download.status_code == 200 and download.data == b"%PDF-1.7 pack"
    assert "pack-write-for-rights-2020-a4.pdf" in download.headers["Content-Disposition"]
    assert f"/staff/jobs/{job_id}/result" in client.get("/staff/jobs").text

    job.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    assert client.get(f"/staff/jobs/{job_id}/result").status_code == 410
    assert "the file has expired" in client.get(f"/staff/jobs/{job_id}").text


def test_a_job_is_seen_only_by_who_started_it_and_admins(
    app: Flask,
    client: FlaskClient,
    db: Any,
    campaign: Campaign,
    caseworker: User,
    viewer: User,
    admin: User,
) -> None:
    db.commit()
    login_as(client, caseworker)
    job_id = int(_start(client, campaign).headers["Location"].rsplit("/", 1)[1])
    huey_for(app.config).flush()
    login_as(client, viewer)
    assert client.get(f"/staff/jobs/{job_id}").status_code == 404
    assert client.get(f"/staff/jobs/{job_id}/result").status_code == 404
    login_as(client, admin)
    assert client.get(f"/staff/jobs/{job_id}").status_code == 200


def test_bad_pack_request_changes_nothing_and_says_why(
    client: FlaskClient, db: Any, campaign: Campaign, caseworker: User
) -> None:
    login_as(client, caseworker)
    before = db.query(Job).count()
    response = _start(client, campaign, paper="a3")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/campaigns/{campaign.id}")
    assert "Choose a4 or letter." in client.get(response.headers["Location"]).text
    assert db.query(Job).count() == before


def test_staff_report_pdf_is_started_as_a_job(
    app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    login_as(client, caseworker)
    page = client.get("/staff/reports/releases/2020").text
    button = re.search(r'<form method="post" action="([^"]+)"[^>]*>\s*<input[^>]*csrf_token', page)
    assert button is not None and button.group(1) == "/staff/reports/releases/2020/pdf"
    assert "Prepare the PDF in the background" in page
    assert "/staff/reports" not in client.get("/reports/releases/2020").text
    token = csrf_token_from(client, "/staff/reports/releases/2020")
    response = client.post(button.group(1), data={"csrf_token": token})
    huey_for(app.config).flush()
    assert response.status_code == 303
    job = db.get(Job, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert job.kind == "release_report" and job.params == {"year": 2020, "public": False}
