"""Write the archive: a zip of one JSON-lines file per table and a manifest, streamed by chunks.

The zip entries carry a fixed date and rows are written in primary-key order, so two exports
of the same records differ only in the manifest's `exported_at`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import User
from tracker.models.base import utcnow
from tracker.services import audit
from tracker.services.archive.schema import (
    ARCHIVE_VERSION,
    FORMAT,
    MANIFEST,
    archived_tables,
    encode_value,
    member_name,
    schema_revision,
)

CHUNK = 5000
# 1980-01-01, the earliest a zip entry can carry: the bytes depend on the records alone.
ENTRY_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class ArchiveSummary:
    """What an archive holds: its version, schema revision, rows per table and checksum."""

    archive_version: int
    schema_revision: str | None
    rows: dict[str, int] = field(default_factory=dict)
    content_sha256: str = ""

    @property
    def total_rows(self) -> int:
        """Rows in every table together."""
        return sum(self.rows.values())


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ENTRY_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# One encoder for every row (json.dumps with options builds a new one per call).
_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    sort_keys=True,  # objects inside JSON columns (PostgreSQL may reorder their keys)
    default=encode_value,
)


def encode_rows(rows: Sequence[Any]) -> bytes:
    """Rows as lines of the archive (JSON arrays in the manifest's column order)."""
    encode = _ENCODER.encode
    return ("\n".join([encode(list(row)) for row in rows]) + "\n").encode("utf-8")


def content_checksum(tables: list[dict[str, Any]]) -> str:
    """One SHA-256 over every table's name, columns, row count and rows' checksum."""
    canonical = [[t["name"], t["columns"], t["rows"], t["sha256"]] for t in tables]
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def export_archive(session: Session, out: IO[bytes]) -> ArchiveSummary:
    """Write every archived record to `out` (a binary file); reads only, in one transaction."""
    connection = session.connection()
    summary = ArchiveSummary(ARCHIVE_VERSION, schema_revision(connection))
    described = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for archived in archived_tables():
            table = archived.table
            query = select(*(table.c[name] for name in archived.columns)).order_by(
                *(table.c[name] for name in archived.primary_key)
            )
            digest = hashlib.sha256()
            count = 0
            result = connection.execution_options(yield_per=CHUNK).execute(query)
            with zf.open(_entry(member_name(archived.name)), "w", force_zip64=True) as member:
                for rows in result.partitions():
                    chunk = encode_rows(rows)
                    digest.update(chunk)
                    member.write(chunk)
                    count += len(rows)
            summary.rows[archived.name] = count
            described.append(
                {
                    "name": archived.name,
                    "columns": list(archived.columns),
                    "types": archived.types(),
                    "rows": count,
                    "sha256": digest.hexdigest(),
                }
            )
        summary.content_sha256 = content_checksum(described)
        manifest = {
            "format": FORMAT,
            "archive_version": ARCHIVE_VERSION,
            "schema_revision": summary.schema_revision,
            "exported_at": utcnow().isoformat(timespec="seconds"),
            "tables": described,
            "content_sha256": summary.content_sha256,
        }
        zf.writestr(_entry(MANIFEST), json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return summary


def record_export(session: Session, actor: User | None, summary: ArchiveSummary) -> None:
    """Audit an export: who took everything, and which content (its checksum and counts)."""
    audit.record(
        session,
        actor,
        "archive.export",
        archive_version=summary.archive_version,
        schema_revision=summary.schema_revision,
        rows=summary.total_rows,
        content_sha256=summary.content_sha256,
    )
    session.flush()
