"""Background jobs over the API: start a campaign pack (202), follow it, download its PDF."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

from flask import Response, current_app, send_file, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from tracker import unit_of_work
from tracker.api.auth import api_user
from tracker.api.errors import ApiError
from tracker.api.schemas.base import ErrorSchema, StrictSchema
from tracker.extensions import db
from tracker.jobs.kinds import pack_params
from tracker.jobs.queue import enqueue
from tracker.jobs.records import has_result, start_job, visible_job
from tracker.jobs.runner import results_dir
from tracker.models import Job
from tracker.models.base import utcnow
from tracker.services.letters import editing as letters
from tracker.services.letters.compose import PAPERS
from tracker.services.letters.event_pack import MAX_INSTRUCTIONS

blp = Blueprint("jobs", __name__, description="Background jobs: campaign packs as PDF files")
log = logging.getLogger(__name__)


class PackRequestSchema(StrictSchema):
    """What to print; every field is optional (`{}` is the plain A4 pack)."""

    paper = fields.String(load_default="a4", validate=validate.OneOf(PAPERS))
    event = fields.Boolean(
        load_default=False,
        metadata={"description": "An event pack: cover, a brief per person, letters, tally sheet"},
    )
    language = fields.String(
        load_default="",
        validate=validate.Length(max=35),
        metadata={"description": "Only the letters in this language (e.g. `fa`); all when empty"},
    )
    instructions = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_INSTRUCTIONS),
        metadata={"description": "The organiser's instructions on an event pack's cover"},
    )


class JobStartedSchema(Schema):
    """The job that will produce the pack (the same one when an identical job is under way)."""

    job = fields.Integer(required=True, metadata={"example": 42})


class JobSchema(Schema):
    """A job's state."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"example": "campaign_pack"})
    status = fields.String(
        required=True, validate=validate.OneOf(["queued", "running", "done", "failed"])
    )
    progress = fields.Float(required=True, metadata={"description": "0 to 1"})
    result_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Where to download the file; null until done and after expiry"},
    )
    error = fields.String(required=True, metadata={"description": "Why it failed, or empty"})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True, allow_none=True)


def _job(job_id: int) -> Job:
    from tracker.domain.errors import NotFound

    try:
        return visible_job(db.session, api_user(), job_id)
    except NotFound:
        raise ApiError(404, f"No job with id {job_id}.") from None


@blp.route("/campaigns/<string:slug>/pack", methods=["POST"])
@blp.arguments(PackRequestSchema)
@blp.response(202, JobStartedSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such campaign")
@blp.alt_response(422, schema=ErrorSchema, description="A field is invalid")
def start_pack(body: dict[str, Any], slug: str) -> dict[str, Any]:
    """Start printing a campaign's active appeals as one PDF; poll `GET /jobs/{id}`."""
    campaign = letters.campaign_by_slug(db.session, slug)
    params = pack_params(campaign.slug, today=dt.date.today(), **body)
    job, new = start_job(db.session, api_user(), "campaign_pack", params)
    if new:
        config, job_id = current_app.config, job.id

        def send() -> None:
            try:
                enqueue(config, job_id)
            except Exception:  # committed: the worker's housekeeping re-sends it
                log.warning("job %d: the queue is not reachable", job_id, exc_info=True)

        unit_of_work.after_commit(send)
    return {"job": job.id}


@blp.route("/jobs/<id:job_id>", methods=["GET"])
@blp.response(200, JobSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such job (or not yours)")
def get_job(job_id: int) -> dict[str, Any]:
    """A job's status, progress and, when done, where to download its result."""
    job = _job(job_id)
    ready = has_result(job, utcnow())
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "result_url": url_for("api.jobs.job_result", job_id=job.id) if ready else None,
        "error": job.error,
        "created_at": job.created_at,
        "expires_at": job.expires_at,
    }


@blp.route("/jobs/<id:job_id>/result", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@blp.alt_response(404, schema=ErrorSchema, description="No such job, or not done")
@blp.alt_response(410, schema=ErrorSchema, description="The result has expired")
def job_result(job_id: int) -> Response:
    """The finished job's PDF."""
    job = _job(job_id)
    if not has_result(job, utcnow()):
        if job.status == "done":
            raise ApiError(410, "The result has expired; start the job again.")
        raise ApiError(404, f"Job {job_id} has no result yet (status {job.status}).")
    path = results_dir(current_app.config) / str(job.result_file)
    if not path.is_file():
        raise ApiError(410, "The result has expired; start the job again.")
    return send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=job.result_name or f"job-{job.id}.pdf",
    )
