"""Instances of their own for archive tests: an empty migrated database and an app on it."""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import (
    PASSWORD,
    PG_URL,
    create_scratch_database,
    drop_scratch_database,
    make_app,
    migrate_to_head,
)
from tracker.cli import cli
from tracker.extensions import db as _db
from tracker.models import Appeal, Base, Case, StatusChange
from tracker.models.letters import PostedToken
from tracker.services.accounts import two_factor
from tracker.services.accounts.users import create_token, create_user, sign_in
from tracker.services.demo import load_demo
from tracker.services.letters import counters


@dataclass
class Instance:
    """A tracker on its own database, driven through the `tracker` command like an operator."""

    app: Flask
    url: str

    def tracker(self, *args: str) -> Result:
        return self.app.test_cli_runner().invoke(cli, list(args))

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.app.app_context():
            try:
                yield _db.session
            finally:
                _db.session.remove()

    def row_counts(self) -> dict[str, int]:
        with self.session() as session:
            return {
                t.name: session.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables
            }


@pytest.fixture
def new_instance(tmp_path: Path) -> Iterator[Callable[[str], Instance]]:
    """Make instances on an empty database migrated to head: `sqlite` or `postgresql`."""
    made: list[Instance] = []

    def make(kind: str) -> Instance:
        if kind == "postgresql":
            if not PG_URL:
                pytest.skip("TRACKER_TEST_DATABASE_URL is not set")
            url = create_scratch_database(f"a{uuid.uuid4().hex[:8]}")
        else:
            url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        migrate_to_head(url)
        instance = Instance(make_app(url, instance_path=None), url)
        made.append(instance)
        return instance

    yield make
    for instance in made:
        with instance.app.app_context():
            _db.engine.dispose()
        if instance.url.startswith("postgresql"):
            drop_scratch_database(instance.url)


@pytest.fixture(scope="module")
def filled_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An archive of a filled SQLite instance, made once per test module."""
    folder = tmp_path_factory.mktemp("archive")
    url = f"sqlite:///{folder / 'source.db'}"
    migrate_to_head(url)
    source = Instance(make_app(url, instance_path=None), url)
    fill(source)
    path = folder / "good.zip"
    result = source.tracker("archive", "export", "-o", str(path))
    assert result.exit_code == 0, result.output
    with source.app.app_context():
        _db.engine.dispose()
    yield path


def fill(instance: Instance) -> None:
    """Records in every table, with the fields an export is most likely to forget."""
    with instance.session() as session:
        load_demo(session, None)
        admin = create_user(session, None, "admin@example.org", PASSWORD, "admin", "Ada")
        worker = create_user(session, admin, "worker@example.org", PASSWORD, "caseworker", "Wen")
        session.flush()
        create_token(session, admin, admin, "script")
        # Two-factor sign-in on: a TOTP secret and ten recovery codes that must stay behind.
        secret = two_factor.start_enrolment(session, admin)
        two_factor.confirm_enrolment(session, admin, pyotp.TOTP(secret).now())
        sign_in(session, "worker@example.org", "wrong password")  # a failed sign-in row
        counters.allow(session, "letters:abc", limit=5, window_seconds=60)
        appeal = session.scalars(select(Appeal).order_by(Appeal.id)).first()
        assert appeal is not None
        counters.add_counts(session, appeal.id, dt.date(2020, 11, 3), downloads=7, sent=2)
        # A table whose key is not a number (PostgreSQL has no sequence to move on for it).
        session.add(PostedToken(id="t" * 32, appeal_id=appeal.id, used_on=dt.date(2020, 11, 3)))
        case = session.scalars(select(Case).order_by(Case.id)).first()
        assert case is not None
        case.assigned_to = worker
        case.internal_notes = "SENTINEL-INTERNAL"
        case.health_notes = "SENTINEL-HEALTH"
        case.consent_photo = True
        case.consent_photo_by = "family"
        case.consent_photo_on = dt.date(2020, 3, 1)
        case.photo = b"\x89PNG\r\n\x1a\n\x00binary\xff"
        case.photo_type = "image/png"
        # The fields of DESIGN.md section 5: precisions, the encrypted date of birth, consents.
        case.arrested_on_precision = "month"
        case.birth_date = dt.date(1901, 2, 1)
        case.birth_date_precision = "month"
        case.birthday_public = True
        case.consent_detention_address = True
        case.consent_detention_address_by = "lawyer"
        case.consent_detention_address_on = dt.date(2020, 4, 2)
        session.flush()
        # A correction recorded by a caseworker, with an internal note (archived as stored).
        first = case.history[0]
        session.add(
            StatusChange(
                case=case,
                from_status=None,
                to_status=first.to_status,
                effective_on=first.effective_on,
                precision="month",
                is_correction=True,
                recorded_by=worker,
                note="SENTINEL-NOTE",
            )
        )
        session.commit()


def members(path: Path) -> dict[str, bytes]:
    """Every file inside an archive, by name."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def history_count(instance: Instance) -> int:
    with instance.session() as session:
        return session.scalar(select(func.count()).select_from(StatusChange)) or 0
