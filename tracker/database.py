"""Engine set-up: SQLite pragmas and write transactions that cannot lose an update."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, event

# pysqlite's own transaction handling starts a deferred transaction at the first write,
# after the reads it depends on; two processes can then both read version N and write N+1
# (8 processes x 400 read-modify-write changes lost 348 of them). We take the transaction
# over and open write units with BEGIN IMMEDIATE, so the write lock is held from the read on.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "tracker_write_intent", default=False
)


def set_write_intent(value: bool) -> contextvars.Token[bool]:
    """Mark the current unit of work (request, command) as one that writes."""
    return _write_intent.set(value)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Open transactions inside this block with BEGIN IMMEDIATE on SQLite."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and transaction handling on an engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if "mode=ro" not in str(engine.url):  # a read-only file keeps the mode it has
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
