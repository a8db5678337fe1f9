"""Fixtures: a migrated database per test session, a rolled-back transaction per test.

Tests run against a real SQLite file, or against PostgreSQL when TRACKER_TEST_DATABASE_URL
names a scratch database (its server is used to create one database per test worker).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from tracker import create_app
from tracker.extensions import db as _db
from tracker.models import User
from tracker.paths import MIGRATIONS_DIR
from tracker.services.accounts.users import create_user
from tracker.services.letters import counters

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery-7"
# argon2id at its cheapest: the suite hashes hundreds of passwords; production's costs are
# checked by tests/services/test_passwords.py.
# A date of birth planted in private fields: the year 1901 appears nowhere else in the tests'
# public data, so finding "1901" (or the ISO date) in a public output means it leaked.
SENTINEL_BIRTH_DATE = dt.date(1901, 2, 3)


def private_sentinels(prefix: str) -> dict[str, Any]:
    """A distinct sentinel in every private case field: `{prefix}-{name}` in each text, the
    sentinel date of birth known to the day."""
    from tracker.domain.case_fields import Kind, case_fields

    values: dict[str, Any] = {}
    for spec in case_fields():
        if not spec.is_private:
            continue
        if spec.kind is Kind.DATE:
            values[spec.name] = SENTINEL_BIRTH_DATE
        elif spec.kind is Kind.PRECISION:
            values[spec.name] = "day"
        else:
            values[spec.name] = f"{prefix}-{spec.name}"
    return values


CHEAP_PASSWORD_HASHES = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def create_scratch_database(suffix: str) -> str:
    """A new empty database on the test server: a SQLite path or a PostgreSQL database."""
    if not PG_URL:
        raise RuntimeError("create_scratch_database is for PostgreSQL")
    base = make_url(PG_URL)
    name = f"{base.database}_{suffix}"[:63]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(url: str) -> None:
    """Drop a database made by create_scratch_database."""
    name = make_url(url).database
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrate_to_head(url: str) -> None:
    """Run every Alembic migration on the database at `url`."""
    app = make_app(url, instance_path=None)
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        _db.engine.dispose()


def make_app(url: str, instance_path: str | None, **extra: Any) -> Flask:
    """An app for tests on the database at `url`."""
    if instance_path is not None:
        os.environ["TRACKER_INSTANCE_PATH"] = instance_path
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": None,
        "PASSWORD_HASH_PARAMETERS": CHEAP_PASSWORD_HASHES,
        **extra,
    }
    return create_app(config)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head for this test session (and worker)."""
    if PG_URL:
        url = create_scratch_database(f"w{_worker()}")
        migrate_to_head(url)
        yield url
        drop_scratch_database(url)
    else:
        path = tmp_path_factory.mktemp("db") / "tracker.db"
        url = f"sqlite:///{path}"
        migrate_to_head(url)
        yield url


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app(database_url: str, instance_dir: Path) -> Iterator[Flask]:
    application = make_app(database_url, str(instance_dir))
    application.config["PDF_CACHE_DIR"] = str(instance_dir / "pdf-cache")
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[scoped_session[Any]]:
    """The app's session inside a transaction that is rolled back after the test.

    Application code commits as usual; each commit only releases a savepoint, so tests are
    isolated without re-creating tables (the indico fixture).
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        # A plain Session: Flask-SQLAlchemy's own picks the engine and ignores `bind`.
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        _db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        # Downloads are tallied in memory per process: each test starts with none pending.
        app.extensions["download_tally"] = counters.DownloadTally()
        # Pages kept from another test's data (rolled back since) are not this test's.
        app.extensions["public_pages"].clear()
        app.extensions["letter_states"].clear()
        try:
            yield _db.session
        finally:
            app.extensions["download_tally"] = counters.DownloadTally()
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Any) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own, for tests where several processes commit for real."""
    if PG_URL:
        url = create_scratch_database(f"f{uuid.uuid4().hex[:8]}")
        migrate_to_head(url)
        yield url
        drop_scratch_database(url)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        migrate_to_head(url)
        yield url


def _user(db: Any, role: str) -> User:
    user = create_user(db, None, f"{role}@example.org", PASSWORD, role, role.capitalize())
    db.flush()
    return user


@pytest.fixture
def admin(db: Any) -> User:
    return _user(db, "admin")


@pytest.fixture
def caseworker(db: Any) -> User:
    return _user(db, "caseworker")


@pytest.fixture
def viewer(db: Any) -> User:
    return _user(db, "viewer")


_CSRF_RE = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def login_as(client: FlaskClient, user: User) -> None:
    """Sign `user` in on the test client without going through the sign-in form."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def csrf_token_from(client: FlaskClient, url: str) -> str:
    """GET a page with a form and return its CSRF token (the session keeps the secret)."""
    response = client.get(url)
    match = _CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf_token field on {url} (status {response.status_code})"
    return match.group(1) or match.group(2)


_POSTED_RE = re.compile(r'name="token" value="([^"]+)"')


def posted_token_from(client: FlaskClient, url: str) -> str:
    """GET a letter page and return its one-time "I posted it" token."""
    match = _POSTED_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no posted token on {url}"
    return match.group(1)
