"""Re-encrypt every private value under the current data key (the database half of a rotation)."""

from __future__ import annotations

from sqlalchemy import bindparam, column, select, table, text, update
from sqlalchemy.orm import Session

from tracker.crypto import Keyring, encrypted_columns, keyring


def lock_encrypted_tables(session: Session) -> None:
    """Hold off other writers until the transaction ends (SQLite: the CLI's BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        tables = sorted({name for name, _, _ in encrypted_columns()})
        session.execute(text(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE"))


def reencrypt_all(session: Session, ring: Keyring = keyring) -> int:
    """Re-encrypt (or encrypt) every value not under the current key; flush; the count changed."""
    changed = 0
    for table_name, pk, column_name in encrypted_columns():
        # Untyped columns: the stored text as it is, not decrypted by the column type.
        raw = table(table_name, column(pk), column(column_name))
        stored = raw.c[column_name]
        rows = session.execute(select(raw.c[pk], stored).where(stored.is_not(None))).all()
        updates = [
            {"row_id": row_id, "value": ring.encrypt(ring.decrypt(value))}
            for row_id, value in rows
            if value and ring.key_of(value) != ring.current
        ]
        if updates:
            session.execute(
                update(raw)
                .where(raw.c[pk] == bindparam("row_id"))
                .values({column_name: bindparam("value")}),
                updates,
                execution_options={"synchronize_session": False},
            )
        changed += len(updates)
    session.flush()
    return changed
