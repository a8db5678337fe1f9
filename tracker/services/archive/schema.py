"""What the archive holds: the tables and columns of the models, less an explicit deny-list.

Whatever table or column a later change adds is archived without touching this file; only
secrets are left out, and tests/archive/test_contents.py fails when a new column or table
whose name looks like a secret is neither listed here nor allowed there.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Column,
    ColumnDefault,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from tracker.crypto import ENCRYPTED_TYPES
from tracker.models import Base

FORMAT = "tracker-archive"
# Raised when the file layout or the meaning of a field changes; an importer refuses newer.
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"

# Credentials and sign-in throttling never leave the database: API tokens (their hashes
# still sign requests in), two-factor recovery codes, failed sign-ins and rate-limit counters
# (they only slow people).
EXCLUDED_TABLES: frozenset[str] = frozenset(
    {"api_tokens", "recovery_codes", "failed_logins", "rate_limit_hits"}
)
# (table, column): the session token ties signed cookies to a user; the target makes new ones.
# The TOTP secret is a credential: a restored user signs in with the password and enrols again.
EXCLUDED_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("users", "session_token"),
        ("users", "totp_secret"),
        ("users", "totp_confirmed_at"),
        ("users", "totp_last_step"),
    }
)


def member_name(table: str) -> str:
    """The file inside the archive that holds a table's rows."""
    return f"tables/{table}.jsonl"


def _raw_type(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    # Select and insert the stored value, never the decorated one: an encrypted column stays
    # ciphertext, a UTC moment stays the naive UTC value the database holds.
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return column_type


@dataclass(frozen=True)
class ArchivedTable:
    """One table as the archive reads and writes it: stored types, archived columns only."""

    name: str
    table: Table  # a copy with the stored (undecorated) column types
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    decoders: tuple[tuple[int, Callable[[Any], Any]], ...]
    encrypted: tuple[int, ...] = ()  # positions of the columns stored encrypted (crypto.py)

    def types(self) -> list[str]:
        """The stored column types, for the manifest (a reader can tell what each field is)."""
        return [str(self.table.c[name].type) for name in self.columns]


def _decoder(column_type: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    # JSON holds strings, numbers, booleans, lists and objects as they are; these need a form.
    if isinstance(column_type, DateTime):
        return dt.datetime.fromisoformat
    if isinstance(column_type, Date):
        return dt.date.fromisoformat
    if isinstance(column_type, Time):
        return dt.time.fromisoformat
    if isinstance(column_type, LargeBinary):
        return base64.b64decode
    if isinstance(column_type, Uuid):
        return uuid.UUID
    if isinstance(column_type, Numeric) and column_type.asdecimal:
        return decimal.Decimal
    return None


def encode_value(value: Any) -> Any:
    """The JSON form of a stored value that JSON has no type for (json.dumps' `default`)."""
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"cannot archive a value of type {type(value).__name__}")


def archived_tables(metadata: MetaData | None = None) -> list[ArchivedTable]:
    """Every archived table in dependency order (a row's references are written before it)."""
    source = metadata if metadata is not None else Base.metadata
    raw = MetaData()
    out = []
    for table in source.sorted_tables:
        if table.name in EXCLUDED_TABLES:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in EXCLUDED_COLUMNS]
        copy = Table(
            table.name,
            raw,
            *(
                Column(
                    c.name,
                    _raw_type(c.type),
                    primary_key=c.primary_key,
                    autoincrement=c.autoincrement,
                    # An excluded column gets its Python default in the target (a new token).
                    default=c.default.arg if isinstance(c.default, ColumnDefault) else None,
                )
                for c in table.columns
            ),
        )
        names = tuple(c.name for c in columns)
        decoders = []
        for index, name in enumerate(names):
            decode = _decoder(copy.c[name].type)
            if decode is not None:
                decoders.append((index, decode))
        out.append(
            ArchivedTable(
                name=table.name,
                table=copy,
                columns=names,
                primary_key=tuple(c.name for c in table.primary_key.columns),
                decoders=tuple(decoders),
                encrypted=tuple(
                    i for i, c in enumerate(columns) if isinstance(c.type, ENCRYPTED_TYPES)
                ),
            )
        )
    return out


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is migrated to (None when it never was)."""
    return MigrationContext.configure(connection).get_current_revision()
