"""Damaged file, full database, newer archive, other schema: one line, exit 1, no change."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.archive.conftest import Instance, members
from tests.conftest import PG_URL
from tracker.crypto import ENV_VAR, keyring, new_key
from tracker.services.archive.schema import ARCHIVE_VERSION

TARGET = "postgresql" if PG_URL else "sqlite"


@pytest.fixture
def archive(filled_archive: Path) -> Path:
    return filled_archive


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of an archive with each member passed through `change`."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members(source).items():
            out.writestr(name, change(name, data))
    return target


def with_manifest(source: Path, target: Path, **fields: object) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), **fields}).encode()

    return rewrite(source, target, change)


def refused(instance: Instance, path: Path, expected: str) -> None:
    """Import is refused with one line naming the problem, and the database stays empty."""
    result = instance.tracker("archive", "import", str(path))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert expected in lines[0]
    assert set(instance.row_counts().values()) == {0}


def test_archive_import_refuses_a_file_that_is_not_an_archive(
    new_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("reference,full_name\n")
    refused(new_instance(TARGET), path, "not a tracker archive")


def test_archive_import_refuses_a_changed_row(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    # A re-packed archive with one edited value: the zip is sound, its checksum is not.
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"Narges", b"Nargis") if name == "tables/cases.jsonl" else data

    tampered = rewrite(archive, tmp_path / "tampered.zip", change)
    refused(new_instance(TARGET), tampered, "tables/cases.jsonl does not match the manifest")


def test_archive_import_refuses_a_truncated_file(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused(new_instance(TARGET), cut, "not a tracker archive, or a damaged one")


def test_archive_import_refuses_flipped_bytes_inside_a_table(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("tables/status_changes.jsonl")
    # Inside the compressed data of the status history (after its local header).
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(data))
    refused(new_instance(TARGET), flipped, "the archive is damaged")


def test_archive_import_refuses_a_newer_archive_version(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    newer = with_manifest(archive, tmp_path / "newer.zip", archive_version=ARCHIVE_VERSION + 1)
    refused(new_instance(TARGET), newer, "written by a newer tracker")


def test_archive_import_refuses_another_schema_revision(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    other = with_manifest(archive, tmp_path / "other.zip", schema_revision="0001")
    refused(new_instance(TARGET), other, "schema revision 0001")


def test_archive_import_refuses_a_database_migrated_to_another_revision(
    new_instance: Callable[[str], Instance], archive: Path
) -> None:
    target = new_instance(TARGET)
    with target.session() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0002'"))
        session.commit()
    refused(target, archive, "this database of 0002")


def test_archive_import_refuses_a_database_that_is_not_empty(
    new_instance: Callable[[str], Instance], archive: Path
) -> None:
    target = new_instance(TARGET)
    assert target.tracker("archive", "import", str(archive)).exit_code == 0
    before = target.row_counts()
    result = target.tracker("archive", "import", str(archive))
    assert result.exit_code == 1
    assert "the database is not empty" in result.output
    assert target.row_counts() == before


def test_archive_import_refuses_a_damaged_row_and_keeps_nothing(
    new_instance: Callable[[str], Instance], archive: Path, tmp_path: Path
) -> None:
    # The last table read is broken: every table before it was inserted, then rolled back.
    def change(name: str, data: bytes) -> bytes:
        if name == "tables/appeal_copies.jsonl":
            return b"[1,2]\n[not json\n"
        return data

    broken = rewrite(archive, tmp_path / "broken.zip", change)
    refused(new_instance(TARGET), broken, "tables/appeal_copies.jsonl:1")


def test_archive_import_refuses_a_wrong_data_key_and_keeps_nothing(
    new_instance: Callable[[str], Instance],
    archive: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The archive's private values are under the test instance's key; the target has another.
    target = new_instance(TARGET)
    before = keyring.instance_path
    exported_under = keyring.current
    monkeypatch.setenv(ENV_VAR, new_key())
    try:
        keyring.configure(before or ".")
        other = keyring.current
        assert other != exported_under
        refused(target, archive, f"encrypted under data key {exported_under}")
        result = target.tracker("archive", "import", str(archive))
        assert f"this instance's data key is {other}" in result.output
        assert "nothing was imported" in result.output
    finally:
        monkeypatch.delenv(ENV_VAR)
        if before is not None:
            keyring.configure(before)
    # With the right key back, the same file imports.
    assert target.tracker("archive", "import", str(archive)).exit_code == 0
