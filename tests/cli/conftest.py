"""Helpers for CLI tests: run the `tracker` command against the test app and count rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tracker.cli import cli
from tracker.models import AuditEvent, Case, StatusChange


@pytest.fixture
def tracker(runner: FlaskCliRunner) -> Callable[..., Result]:
    """Invoke `tracker ARGS...` on the test app (inside the test's rolled-back transaction)."""

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args))

    return invoke


def counts(db: Any) -> tuple[int, int, int]:
    """Cases, status changes and audit events in the database."""
    return tuple(  # type: ignore[return-value]
        db.scalar(select(func.count()).select_from(model))
        for model in (Case, StatusChange, AuditEvent)
    )
