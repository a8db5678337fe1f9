"""Job rows: start a job (joining an identical one already queued or running), read its state."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound, ValidationError
from tracker.domain.vocabulary import Role
from tracker.models import Job, User

ACTIVE = ("queued", "running")


def dedupe_key(kind: str, params: dict[str, Any], actor_id: int | None) -> str:
    """The same kind with the same parameters, asked by the same person, is the same work."""
    blob = json.dumps([kind, params, actor_id], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def start_job(
    session: Session, actor: User | None, kind: str, params: dict[str, Any]
) -> tuple[Job, bool]:
    """A new queued job, or the identical one already queued or running: (job, is_new).

    Idempotent: pressing the button twice, or a client retrying its POST, never renders twice.
    """
    from tracker.jobs.kinds import KINDS

    if kind not in KINDS:
        raise ValidationError("unknown job kind", {"kind": f"unknown job kind {kind!r}"})
    key = dedupe_key(kind, params, actor.id if actor is not None else None)
    same = session.scalars(
        select(Job)
        .where(Job.dedupe_key == key, Job.status.in_(ACTIVE))
        .order_by(Job.id.desc())
        .limit(1)
    ).first()
    if same is not None:
        return same, False
    job = Job(
        kind=kind,
        params=params,
        dedupe_key=key,
        status="queued",
        progress=0.0,
        attempts=0,
        error="",
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(job)
    session.flush()
    return job, True


def visible_job(session: Session, actor: User, job_id: int) -> Job:
    """The job if `actor` may see it (who started it, or an admin); NotFound otherwise."""
    job = session.get(Job, job_id)
    if job is None or (job.created_by_id != actor.id and actor.role != Role.ADMIN.value):
        raise NotFound(f"No job with id {job_id}.")
    return job


def recent_jobs(session: Session, actor: User, limit: int = 20) -> list[Job]:
    """The actor's latest jobs, newest first."""
    return list(
        session.scalars(
            select(Job).where(Job.created_by_id == actor.id).order_by(Job.id.desc()).limit(limit)
        )
    )


def has_result(job: Job, now: dt.datetime) -> bool:
    """True while a done job's file may be downloaded."""
    return (
        job.status == "done"
        and job.result_file is not None
        and (job.expires_at is None or job.expires_at > now)
    )
