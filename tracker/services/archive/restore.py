"""Read an archive back into an empty database migrated to the archive's schema revision.

Every check that can be made before writing is made first (the file, its version, the schema,
an empty target); the rows are then inserted by chunks and each table's count and checksum
compared as it ends. The caller commits once: any error leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy import Integer, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tracker.crypto import ENV_VAR, KEY_FILE, PREFIX, DataKeyError, keyring
from tracker.domain.errors import ArchiveRefused
from tracker.domain.messages import M_
from tracker.models import Base, User
from tracker.services import audit
from tracker.services.archive.export import ArchiveSummary, content_checksum
from tracker.services.archive.schema import (
    ARCHIVE_VERSION,
    FORMAT,
    MANIFEST,
    ArchivedTable,
    archived_tables,
    member_name,
    schema_revision,
)

CHUNK = 5000


def _damaged(reason: str) -> ArchiveRefused:
    return ArchiveRefused(
        M_("the archive is damaged: %(reason)s; nothing was imported", reason=reason)
    )


def read_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest of an open archive, checked for shape and version."""
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise ArchiveRefused(M_("not a tracker archive (it has no manifest.json)")) from None
    except (ValueError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError) as exc:
        raise _damaged(M_("the manifest cannot be read (%(error)s)", error=str(exc))) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused(M_("not a tracker archive (its manifest names another format)"))
    version = manifest.get("archive_version")
    if not isinstance(version, int) or version < 1:
        raise _damaged(M_("the manifest has no archive version"))
    if version > ARCHIVE_VERSION:
        raise ArchiveRefused(
            M_(
                "the archive was written by a newer tracker (archive version %(version)s); this "
                "one reads archive version %(readable)s and older: upgrade tracker first",
                version=version,
                readable=ARCHIVE_VERSION,
            )
        )
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not all(
        isinstance(t, dict) and {"name", "columns", "rows", "sha256"} <= t.keys() for t in tables
    ):
        raise _damaged(M_("the manifest's table list is malformed"))
    if content_checksum(tables) != manifest.get("content_sha256"):
        raise _damaged(M_("the manifest's checksum does not match its tables"))
    return manifest


def _check_schema(
    connection: Connection, manifest: dict[str, Any], known: dict[str, ArchivedTable]
) -> None:
    revision = schema_revision(connection)
    if manifest.get("schema_revision") != revision:
        raise ArchiveRefused(
            M_(
                "the archive is of schema revision %(archived)s, this database of %(revision)s: "
                "migrate both to the same revision (`tracker db upgrade`) first",
                archived=str(manifest.get("schema_revision")),
                revision=str(revision),
            )
        )
    names = [t["name"] for t in manifest["tables"]]
    if sorted(names) != sorted(known):
        raise ArchiveRefused(
            M_(
                "the archive holds the tables %(archived)s but this tracker archives "
                "%(known)s: export and import with the same version of tracker",
                archived=", ".join(sorted(names)),
                known=", ".join(sorted(known)),
            )
        )
    for described in manifest["tables"]:
        expected = list(known[described["name"]].columns)
        if described["columns"] != expected:
            raise ArchiveRefused(
                M_(
                    "the archive's table %(table)s has the columns %(archived)s, this tracker "
                    "%(expected)s",
                    table=described["name"],
                    archived=", ".join(described["columns"]),
                    expected=", ".join(expected),
                )
            )


def _check_empty(connection: Connection) -> None:
    for table in Base.metadata.sorted_tables:
        count = connection.scalar(select(func.count()).select_from(table))
        if count:
            raise ArchiveRefused(
                M_(
                    "the database is not empty (%(table)s holds %(count)s row(s)); an archive "
                    "is imported only into a new database migrated with `tracker db upgrade`",
                    table=table.name,
                    count=count,
                )
            )


def _lines(zf: zipfile.ZipFile, name: str, digest: Any) -> Iterator[bytes]:
    try:
        with zf.open(name) as member:
            for line in member:
                digest.update(line)
                yield line
    except KeyError:
        raise _damaged(M_("%(file)s is missing", file=name)) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise _damaged(
            M_("%(file)s cannot be read (%(error)s)", file=name, error=str(exc))
        ) from None


def _inserter(connection: Connection, archived: ArchivedTable) -> Callable[[list[list[Any]]], None]:
    """A function that inserts a batch of decoded rows (lists in the archive's column order)."""
    columns = archived.columns
    dialect = connection.dialect
    if dialect.name != "sqlite" or len(columns) != len(archived.table.columns):
        # The general way; it also fills the Python defaults of columns left out of the archive.
        statement = insert(archived.table)

        def insert_dicts(rows: list[list[Any]]) -> None:
            connection.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])

        return insert_dicts

    # SQLite: the statement compiled once and the columns' own bind processors applied here,
    # which halves the Python time per row against building SQLAlchemy's parameters.
    compiled = insert(archived.table).compile(dialect=dialect, column_keys=list(columns))
    order = [columns.index(key) for key in compiled.positiontup or ()]
    processors = [
        (position, processor)
        for position, index in enumerate(order)
        if (processor := archived.table.c[columns[index]].type.bind_processor(dialect))
    ]
    sql = str(compiled)

    def insert_tuples(rows: list[list[Any]]) -> None:
        params = []
        for row in rows:
            values = [row[index] for index in order]
            for position, processor in processors:
                values[position] = processor(values[position])
            params.append(tuple(values))
        connection.exec_driver_sql(sql, params)

    return insert_tuples


class KeyCheck:
    """Refuses the archive at the first private value under a data key this instance lacks:
    imported, it could never be read (each key is tried once, on a real value)."""

    def __init__(self) -> None:
        self.known: set[str] = set()

    def __call__(self, stored: Any) -> None:
        if not isinstance(stored, str) or not stored.startswith(PREFIX):
            return
        kid = keyring.key_of(stored)
        if kid is None or kid in self.known:
            return
        if not keyring.has_key(kid):
            here = keyring.current or "none"
            raise ArchiveRefused(
                M_(
                    "the archive's private values are encrypted under data key %(kid)s, and "
                    "this instance's data key is %(here)s: set %(variable)s (or "
                    "instance/%(file)s) to the key backed up with the exported database and "
                    "import again; nothing was imported",
                    kid=kid,
                    here=here,
                    variable=ENV_VAR,
                    file=KEY_FILE,
                )
            )
        try:
            keyring.decrypt(stored)
        except DataKeyError as exc:
            raise _damaged(
                M_("a private value cannot be decrypted (%(error)s)", error=exc.message)
            ) from None
        self.known.add(kid)


def _load_table(
    connection: Connection,
    zf: zipfile.ZipFile,
    archived: ArchivedTable,
    described: dict[str, Any],
    check_key: KeyCheck,
) -> int:
    name = member_name(archived.name)
    digest = hashlib.sha256()
    write = _inserter(connection, archived)
    width = len(archived.columns)
    decoders = archived.decoders
    encrypted = archived.encrypted
    batch: list[list[Any]] = []
    count = 0
    for number, line in enumerate(_lines(zf, name, digest), start=1):
        try:
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != width:
                raise ValueError(f"expected {width} values")
            for index, decode in decoders:
                if values[index] is not None:
                    values[index] = decode(values[index])
        except (ValueError, TypeError) as exc:
            raise _damaged(
                M_("%(file)s:%(line)s: %(message)s", file=name, line=str(number), message=str(exc))
            ) from None
        for index in encrypted:
            check_key(values[index])
        batch.append(values)
        if len(batch) >= CHUNK:
            write(batch)
            count += len(batch)
            batch = []
    if batch:
        write(batch)
        count += len(batch)
    if count != described["rows"] or digest.hexdigest() != described["sha256"]:
        raise _damaged(
            M_("%(file)s does not match the manifest's row count and checksum", file=name)
        )
    return count


def _pause_fulltext_triggers(connection: Connection) -> list[tuple[str, str]]:
    # The SQLite search index (migration 0002) is kept by a trigger per inserted case, which
    # took three quarters of the import's CPU time; it is dropped for the import, and the
    # index rebuilt in one pass afterwards (inside the same transaction, so all or nothing).
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%\\_fts\\_after\\_insert' ESCAPE '\\'"
    ).all()
    for name, _sql in rows:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [(name, sql) for name, sql in rows]


def _resume_fulltext_triggers(connection: Connection, triggers: list[tuple[str, str]]) -> None:
    for name, sql in triggers:
        index = name.removesuffix("_after_insert")
        # `index` is the name of a table SQLite itself lists, not input.
        rebuild = f'INSERT INTO "{index}"("{index}") VALUES (\'rebuild\')'  # noqa: S608
        connection.exec_driver_sql(rebuild)
        connection.exec_driver_sql(sql)


def _reset_sequences(connection: Connection, tables: list[ArchivedTable]) -> None:
    # Rows arrive with their ids; PostgreSQL's sequences must then start after the largest.
    if connection.dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    for archived in tables:
        if len(archived.primary_key) != 1:
            continue
        column = archived.primary_key[0]
        if not isinstance(archived.table.c[column].type, Integer):
            continue  # a key that is not a number (a token's random id) has no sequence
        largest = select(func.max(archived.table.c[column])).scalar_subquery()
        connection.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(archived.name, column),
                    func.coalesce(largest, 0) + 1,
                    False,
                )
            )
        )


def import_archive(
    session: Session, actor: User | None, source: str | os.PathLike[str] | IO[bytes]
) -> ArchiveSummary:
    """Insert every record of the archive into this empty database; flushes, never commits."""
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ArchiveRefused(
            M_("not a tracker archive, or a damaged one (%(error)s)", error=str(exc))
        ) from None
    with zf:
        manifest = read_manifest(zf)
        connection = session.connection()
        tables = archived_tables()
        known = {t.name: t for t in tables}
        _check_schema(connection, manifest, known)
        _check_empty(connection)
        described = {t["name"]: t for t in manifest["tables"]}
        if connection.dialect.name == "sqlite":
            # 64 MB of page cache for this connection while the indexes grow (default 2 MB).
            connection.exec_driver_sql("PRAGMA cache_size = -65536")
        summary = ArchiveSummary(
            manifest["archive_version"], manifest["schema_revision"], {}, manifest["content_sha256"]
        )
        triggers = _pause_fulltext_triggers(connection)
        check_key = KeyCheck()
        for archived in tables:
            summary.rows[archived.name] = _load_table(
                connection, zf, archived, described[archived.name], check_key
            )
        _resume_fulltext_triggers(connection, triggers)
        _reset_sequences(connection, tables)
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size = -2000")
    audit.record(
        session,
        actor,
        "archive.import",
        archive_version=summary.archive_version,
        schema_revision=summary.schema_revision,
        rows=summary.total_rows,
        content_sha256=summary.content_sha256,
    )
    session.flush()
    return summary
