"""API jobs: POST /campaigns/{slug}/pack answers 202 with a job; GET /jobs/{id} follows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import bearer
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.jobs.queue import huey_for
from tracker.jobs.runner import results_dir
from tracker.models import Campaign, Job, User
from tracker.models.base import utcnow
from tracker.services.letters.editing import create_campaign


@pytest.fixture
def campaign(db: Any, caseworker: User) -> Campaign:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    case = make_case(db, caseworker, "VN-2017-TTN", "Tran Thi Nga")
    make_appeal(db, caseworker, case, make_addressee(db, caseworker), campaign=campaign.slug)
    db.commit()
    return campaign


def test_pack_job_is_accepted_then_followed_to_its_pdf(
    app: Flask, client: FlaskClient, db: Any, campaign: Campaign, caseworker_token: str
) -> None:
    huey = huey_for(app.config)
    huey.flush()
    started = client.post(
        f"/api/v1/campaigns/{campaign.slug}/pack",
        json={"paper": "letter", "event": True, "language": "en"},
        headers=bearer(caseworker_token),
    )
    assert started.status_code == 202
    job_id = started.json["job"]
    assert huey.pending_count() == 1
    huey.flush()
    state = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(caseworker_token))
    assert state.status_code == 200
    assert state.json["status"] == "queued" and state.json["progress"] == 0
    assert state.json["result_url"] is None
    assert (
        client.get(state.request.path + "/result", headers=bearer(caseworker_token)).status_code
        == 404
    )

    job = db.get(Job, job_id)
    folder = results_dir(app.config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job_id}-api.pdf").write_bytes(b"%PDF-1.7 api")
    job.status, job.progress, job.result_file, job.result_name = (
        "done",
        1.0,
        f"{job_id}-api.pdf",
        "p.pdf",
    )
    job.finished_at, job.expires_at = utcnow(), utcnow() + dt.timedelta(hours=1)
    db.commit()
    state = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(caseworker_token)).json
    assert state["status"] == "done" and state["progress"] == 1.0
    assert state["result_url"] == f"/api/v1/jobs/{job_id}/result"
    pdf = client.get(state["result_url"], headers=bearer(caseworker_token))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == b"%PDF-1.7 api"

    job.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    assert (
        client.get(f"/api/v1/jobs/{job_id}", headers=bearer(caseworker_token)).json["result_url"]
        is None
    )
    assert client.get(state["result_url"], headers=bearer(caseworker_token)).status_code == 410


def test_pack_job_errors(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    caseworker_token: str,
    viewer_token: str,
    admin_token: str,
) -> None:
    url = f"/api/v1/campaigns/{campaign.slug}/pack"
    assert (
        client.post(
            "/api/v1/campaigns/nope/pack", json={}, headers=bearer(caseworker_token)
        ).status_code
        == 404
    )
    bad = client.post(url, json={"paper": "a3"}, headers=bearer(caseworker_token))
    assert bad.status_code == 422 and "paper" in bad.json["details"]["fields"]
    assert client.post(url, json={}, headers=bearer(viewer_token)).status_code == 403
    job_id = client.post(url, json={}, headers=bearer(caseworker_token)).json["job"]
    huey_for(app.config).flush()
    # Another user's job is not found; an admin sees it.
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(viewer_token)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(admin_token)).status_code == 200


def test_job_routes_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "202" in paths["/api/v1/campaigns/{slug}/pack"]["post"]["responses"]
    assert "200" in paths["/api/v1/jobs/{job_id}"]["get"]["responses"]
    assert "application/pdf" in str(paths["/api/v1/jobs/{job_id}/result"])
