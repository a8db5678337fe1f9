"""Migrations: head is exactly the models' schema; down and up again loses nothing."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, SAWarning

from tests.conftest import PASSWORD, make_app
from tracker.extensions import db as _db
from tracker.models import AuditEvent, Base, Case, StatusChange, User
from tracker.paths import MIGRATIONS_DIR
from tracker.services.accounts.users import create_user
from tracker.services.cases.editing import change_status, create_case

# Full-text search lives outside the models (migration 0002): SQLite's FTS5 tables and
# PostgreSQL's expression index over a tsvector. SQLite's reflection skips expression indexes
# (lower(reference), migration 0004), so the comparison cannot see that one either.
IGNORED_PREFIXES = ("cases_fts", "ix_cases_fulltext", "uq_cases_reference_lower")


def _ignored(diff: Any) -> bool:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item:
            name = getattr(part, "name", None) or getattr(getattr(part, "table", None), "name", "")
            if isinstance(name, str) and name.startswith(IGNORED_PREFIXES):
                return True
    return False


def schema_differences(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
                warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
                differences = compare_metadata(context, Base.metadata)
            return [d for d in differences if not _ignored(d)]
    finally:
        engine.dispose()


def test_upgrade_head_gives_exactly_the_models_schema(fresh_database: str) -> None:
    assert schema_differences(fresh_database) == []


def snapshot(session: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "cases": sorted(
            session.execute(select(Case.reference, Case.status, Case.version, Case.summary)).all()
        ),
        "history": sorted(
            session.execute(
                select(StatusChange.case_id, StatusChange.to_status, StatusChange.effective_on)
            ).all()
        ),
        "users": sorted(session.execute(select(User.email, User.role)).all()),
        "audit": sorted(session.execute(select(AuditEvent.id, AuditEvent.action)).all()),
    }


def revisions() -> list[str]:
    """Every revision after the first, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    ordered = [r.revision for r in reversed(list(script.walk_revisions()))]
    return ordered


def test_each_revision_goes_down_and_up_with_data_and_loses_nothing(fresh_database: str) -> None:
    app = make_app(fresh_database, None)
    with app.app_context():
        user = create_user(_db.session, None, "admin@example.org", PASSWORD, "admin")
        case = create_case(
            _db.session,
            user,
            {
                "reference": "T-1",
                "full_name": "Test Person",
                "country": "VN",
                "category": "activist",
                "arrested_on": "2020-01-02",
                "summary": "Fictional.",
            },
        )
        change_status(
            _db.session, user, case, "released", dt.date(2021, 3, 4), release_kind="pardon"
        )
        _db.session.commit()
        before = snapshot(_db.session)
        _db.session.remove()  # no transaction may stay open while Alembic changes the schema
        ordered = revisions()
        # Down to each earlier revision and back up to head: the data must survive.
        for down_to in reversed(ordered[:-1]):
            flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision=down_to)
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            assert snapshot(_db.session) == before, f"data lost going down to {down_to}"
            _db.session.remove()
        _db.session.remove()
        # Down to base removes every table; up again rebuilds the same schema and rules.
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        with _db.engine.connect() as conn:
            assert (
                conn.execute(
                    text(
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'cases'"
                    )
                    if _db.engine.dialect.name == "postgresql"
                    else text("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases'")
                ).scalar()
                == 0
            )
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        create_user(_db.session, None, "again@example.org", PASSWORD, "viewer")
        _db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            _db.session.execute(text("DELETE FROM audit_events"))
        _db.session.rollback()
        _db.session.remove()
        _db.engine.dispose()
    assert ordered[0] == "0001"
    assert schema_differences(fresh_database) == []
