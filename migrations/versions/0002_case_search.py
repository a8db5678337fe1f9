"""full-text search over cases

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00

SQLite: an FTS5 external-content table `cases_fts` (names in both scripts, reference,
summary) kept in step with `cases` by triggers. PostgreSQL: a GIN index over a 'simple'
tsvector of the same columns (no stemming: names must match as typed, in any script).
The expressions here are repeated in tracker/services/cases/search.py and must stay identical.
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

PG_TSVECTOR = (
    "to_tsvector('simple'::regconfig, "
    "translate(reference, '-_.', '   ') || ' ' || full_name || ' ' || name_native || ' ' || summary)"
)

SQLITE_UP = [
    """CREATE VIRTUAL TABLE cases_fts USING fts5(
           reference, full_name, name_native, summary,
           content='cases', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER cases_fts_after_insert AFTER INSERT ON cases BEGIN
           INSERT INTO cases_fts(rowid, reference, full_name, name_native, summary)
           VALUES (new.id, new.reference, new.full_name, new.name_native, new.summary);
       END""",
    """CREATE TRIGGER cases_fts_after_delete AFTER DELETE ON cases BEGIN
           INSERT INTO cases_fts(cases_fts, rowid, reference, full_name, name_native, summary)
           VALUES ('delete', old.id, old.reference, old.full_name, old.name_native, old.summary);
       END""",
    """CREATE TRIGGER cases_fts_after_update
           AFTER UPDATE OF reference, full_name, name_native, summary ON cases BEGIN
           INSERT INTO cases_fts(cases_fts, rowid, reference, full_name, name_native, summary)
           VALUES ('delete', old.id, old.reference, old.full_name, old.name_native, old.summary);
           INSERT INTO cases_fts(rowid, reference, full_name, name_native, summary)
           VALUES (new.id, new.reference, new.full_name, new.name_native, new.summary);
       END""",
    "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS cases_fts_after_update",
    "DROP TRIGGER IF EXISTS cases_fts_after_delete",
    "DROP TRIGGER IF EXISTS cases_fts_after_insert",
    "DROP TABLE IF EXISTS cases_fts",
]
PG_UP = [f"CREATE INDEX ix_cases_fulltext ON cases USING gin ({PG_TSVECTOR})"]
PG_DOWN = ["DROP INDEX IF EXISTS ix_cases_fulltext"]


def _run(sqlite, postgresql):
    for statement in sqlite if op.get_bind().dialect.name == "sqlite" else postgresql:
        op.execute(statement)


def upgrade():
    _run(SQLITE_UP, PG_UP)


def downgrade():
    _run(SQLITE_DOWN, PG_DOWN)
