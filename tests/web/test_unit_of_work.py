"""One commit per request: a success commits, a refusal rolls back, a failed commit says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, flash, redirect
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, login_as, make_app
from tracker.extensions import csrf
from tracker.extensions import db as _db
from tracker.models import AuditEvent, Case, User


def _count(db: Any, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)))


def test_a_refused_form_writes_nothing(client: FlaskClient, db: Any, caseworker: User) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    cases, events = _count(db, Case), _count(db, AuditEvent)
    response = client.post(
        "/staff/cases/new",
        data={"csrf_token": token, "reference": "bad reference!", "full_name": "Someone"},
    )
    assert response.status_code == 422
    assert (_count(db, Case), _count(db, AuditEvent)) == (cases, events)


@pytest.fixture
def failing_app(database_url: str, tmp_path: Path, db: Any) -> Flask:
    """An app with one extra page whose change can only fail when it is committed."""
    app = make_app(database_url, str(tmp_path / "instance"))

    @app.post("/test/duplicate-user")
    def duplicate_user() -> Any:
        # Added but not flushed: the unique email is only checked by the commit.
        for _ in range(2):
            _db.session.add(User(email="twin@example.org", role="viewer", password_hash="x"))
        flash("Saved: both users.", "success")
        return redirect("/login")

    csrf.exempt(duplicate_user)
    return app


def test_a_failed_commit_answers_an_error_and_takes_back_its_flash(
    failing_app: Flask, db: Any
) -> None:
    client = failing_app.test_client()
    response = client.post("/test/duplicate-user")
    assert response.status_code == 409
    assert "nothing" in response.get_data(as_text=True).lower()
    assert db.scalar(select(User).where(User.email == "twin@example.org")) is None
    page = client.get("/login").get_data(as_text=True)
    assert "Saved: both users." not in page
