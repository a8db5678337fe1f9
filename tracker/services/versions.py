"""Versioned records: flush an edit, turning a lost race into our own StaleEdit."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.domain.errors import StaleEdit


class Versioned(Protocol):
    """A row whose version column grows with every UPDATE (case, addressee, appeal)."""

    version: int


def flush_edit(session: Session, record: Versioned, message: str) -> None:
    """Flush the session; StaleEdit when another writer saved `record` since it was read.

    The version column makes SQLAlchemy add `AND version = :old` to the UPDATE; when that
    matches no row, someone else won. The session must then be rolled back by the unit of work.
    """
    seen = record.version
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit(message, seen) from None
