"""Versioned records by id, once for every resource: 404, the ETag, and the If-Match PATCH."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tracker import unit_of_work
from tracker.api.errors import ApiError
from tracker.api.etags import ENTITY_TAGS_PATTERN, etag_for, expected_version
from tracker.domain.errors import StaleEdit
from tracker.extensions import db

R = TypeVar("R")
Answer = tuple[Any, int, dict[str, str]]


def if_match_parameter(example: str) -> dict[str, Any]:
    """The OpenAPI description of the If-Match header a PATCH requires."""
    return {
        "in": "header",
        "name": "If-Match",
        "required": True,
        "schema": {"type": "string", "pattern": ENTITY_TAGS_PATTERN},
        "description": f'The ETag of the version you edited, e.g. "{example}"',
    }


def etag_header(noun: str) -> dict[str, Any]:
    """The OpenAPI description of the ETag header of a versioned record."""
    return {"ETag": {"description": f"The {noun}'s version", "schema": {"type": "string"}}}


def record_or_404(model: type[R], record_id: int, noun: str) -> R:
    """The record with this id, or a JSON 404 naming what was not found."""
    record = db.session.get(model, record_id)
    if record is None:
        raise ApiError(404, f"No {noun} with id {record_id}.")
    return record


def with_etag(kind: str, record: Any, status: int = 200) -> Answer:
    """The record as the answer, with the ETag of its version."""
    return record, status, {"ETag": etag_for(kind, record.id, record.version)}


def patch_versioned(kind: str, record: Any, patch: Callable[[int], object]) -> Answer:
    """Edit `record` from the version its If-Match names: 428 without one, 412 when stale.

    `patch(version)` calls the service, which raises StaleEdit when someone saved since;
    the 412 then carries the version the record has now.
    """
    version = expected_version(kind, record.id, record.version)
    try:
        patch(version)
    except StaleEdit as stale:
        unit_of_work.rollback()  # a lost race leaves the session unusable; read afresh
        raise StaleEdit(stale.message, record.version, stale.changed_fields) from None
    return with_etag(kind, record)
