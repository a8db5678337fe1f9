"""Staff pages for background jobs: start a pack or a report PDF, follow it, download it."""

from __future__ import annotations

import datetime as dt
import io
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from tracker import unit_of_work
from tracker.domain.errors import NotFound, ValidationError
from tracker.domain.messages import message_from_data
from tracker.extensions import db
from tracker.jobs.kinds import KINDS, pack_params
from tracker.jobs.queue import enqueue
from tracker.jobs.records import has_result, recent_jobs, start_job, visible_job
from tracker.jobs.runner import results_dir
from tracker.labels import translate
from tracker.models import Campaign, Job
from tracker.models.base import utcnow
from tracker.services.reports.releases import MAX_YEAR, MIN_YEAR
from tracker.web.access import current_actor, staff_required

bp = Blueprint("jobs", __name__, url_prefix="/staff")
log = logging.getLogger(__name__)

REFRESH_SECONDS = 2


def _started(job: Job, new: bool) -> Response:
    if new:
        config, job_id = current_app.config, job.id

        def send() -> None:
            try:
                enqueue(config, job_id)
            except Exception:  # the row is committed: the worker's housekeeping re-sends it
                log.warning("job %d: the queue is not reachable", job_id, exc_info=True)
                flash(
                    _("The queue cannot be reached just now; the job starts when it is back."),
                    "error",
                )

        unit_of_work.after_commit(send)
    else:
        flash(_("The same job was already under way: here it is."), "info")
    return redirect(url_for("jobs.job", job_id=job.id), code=303)


@bp.post("/campaigns/<int:campaign_id>/pack")
@staff_required
def start_campaign_pack(campaign_id: int) -> Response:
    """Start a campaign pack (letters, or an event pack) as a job."""
    record: Campaign = db.get_or_404(Campaign, campaign_id)
    form = request.form
    try:
        params = pack_params(
            record.slug,
            paper=(form.get("paper") or "a4").lower(),
            event=form.get("event") == "1",
            language=form.get("language", ""),
            instructions=form.get("instructions", ""),
            today=dt.date.today(),
        )
        job, new = start_job(db.session, current_actor(), "campaign_pack", params)
    except ValidationError as error:
        db.session.rollback()
        words = [translate(m) for m in error.field_errors.values()]
        flash(" ".join(words) or translate(error.message), "error")
        return redirect(url_for("letters_staff.campaign", campaign_id=record.id), code=303)
    return _started(job, new)


@bp.post("/reports/releases/<int:year>/pdf")
@staff_required
def start_release_report(year: int) -> Response:
    """Start the staff report PDF of a year as a job."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    job, new = start_job(
        db.session, current_actor(), "release_report", {"year": year, "public": False}
    )
    return _started(job, new)


@bp.get("/jobs")
@staff_required
def jobs() -> str:
    """The signed-in user's recent jobs."""
    return render_template(
        "jobs/jobs.html",
        jobs=recent_jobs(db.session, current_actor()),
        kinds=KINDS,
        now=utcnow(),
        has_result=has_result,
    )


def _visible(job_id: int) -> Job:
    try:
        return visible_job(db.session, current_actor(), job_id)
    except NotFound:
        abort(404)


@bp.get("/jobs/<int:job_id>")
@staff_required
def job(job_id: int) -> str:
    """Progress of a job, refreshing itself (a meta refresh: no script) until it is finished."""
    record = _visible(job_id)
    return render_template(
        "jobs/job.html",
        job=record,
        kind=KINDS.get(record.kind),
        ready=has_result(record, utcnow()),
        refresh=None if record.finished else REFRESH_SECONDS,
        error=_reason(record),
    )


def _reason(record: Job) -> str:
    """Why a job failed, in the reader's language (its English text if it kept no message)."""
    if record.error_message:
        return translate(message_from_data(record.error_message))
    return record.error


@bp.get("/jobs/<int:job_id>/result")
@staff_required
def result(job_id: int) -> Response:
    """The finished job's file; 410 once it has expired."""
    record = _visible(job_id)
    if not has_result(record, utcnow()):
        abort(410 if record.status == "done" else 404)
    path = results_dir(current_app.config) / str(record.result_file)
    if not path.is_file():
        abort(410)
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=record.result_name or f"job-{record.id}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
