"""ETags of versioned records and the If-Match check that guards their edits.

A tag is strong, `"<kind>-<id>-v<version>"`: the representation changes exactly when the
version does (every write bumps it), and If-Match needs strong tags to compare at all.
"""

from __future__ import annotations

import re

from flask import request

from tracker.api.errors import ApiError

_TAG_RE = re.compile(r"^(?P<kind>[a-z_]+)-(?P<id>\d+)-v(?P<version>\d+)$")
# One or more entity tags (RFC 9110), as If-Match carries them; `*` is refused separately.
ENTITY_TAGS_PATTERN = r'^(W/)?"[^"]*"( *, *(W/)?"[^"]*")*$'
_ENTITY_TAGS_RE = re.compile(ENTITY_TAGS_PATTERN)


def etag_for(kind: str, record_id: int, version: int) -> str:
    """The quoted ETag header value of one version of a record."""
    return f'"{kind}-{record_id}-v{version}"'


def expected_version(kind: str, record_id: int, current_version: int, required: bool = True) -> int:
    """The version the client edited, from If-Match (or the current one when optional and absent).

    428 when If-Match is required and missing (or `*`, which would skip the check); 400 when
    it is not a list of ETags; 412 when it names no version of this record. The version of
    an older tag of this record is returned as is, so the service can say what changed since.
    """
    if_match = request.if_match
    header = request.headers.get("If-Match")
    if not header or if_match.star_tag:
        if not required:
            return current_version
        raise ApiError(
            428,
            f"Send If-Match with the ETag of the {kind.replace('_', ' ')} you edited.",
            {"current_version": current_version},
        )
    if not _ENTITY_TAGS_RE.match(header.strip()):
        raise ApiError(400, 'If-Match must hold ETags in double quotes, e.g. "case-12-v3".')
    if if_match.contains_weak(etag_for(kind, record_id, current_version).strip('"')):
        return current_version
    for tag in if_match.as_set(include_weak=True):
        match = _TAG_RE.match(tag or "")
        if match and match["kind"] == kind and int(match["id"]) == record_id:
            return int(match["version"])
    raise ApiError(
        412,
        "If-Match names no version of this record.",
        {
            "current_version": current_version,
            "etag": etag_for(kind, record_id, current_version),
        },
    )
