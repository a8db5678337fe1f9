"""Finding 8: a stranger cannot lock an account's owner out by failing to sign in as them.

Failures slow down the address they come from, per account (10 in 15 minutes) and over all
accounts (50); the owner signs in from another address. Counted in the database, so every
worker process sees the same count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import PASSWORD, csrf_token_from
from tracker.models import AuditEvent, FailedLogin, User
from tracker.services.accounts import throttle
from tracker.services.accounts.users import sign_in as sign_in_service

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"
ELSEWHERE = "192.0.2.10"


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client: FlaskClient, email: str, password: str) -> Any:
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def test_finding_8_a_stranger_cannot_lock_the_owner_out(
    app: Flask, db: Any, caseworker: User
) -> None:
    stranger = client_at(app, STRANGER)
    answers = [attempt(stranger, "caseworker@example.org", f"guess-{i:08d}") for i in range(12)]
    assert [a.status_code for a in answers[:9]] == [200] * 9
    assert all(a.status_code == 429 for a in answers[9:])
    assert int(answers[-1].headers["Retry-After"]) > 800
    # Even the right password waits at the stranger's address...
    assert attempt(stranger, "caseworker@example.org", PASSWORD).status_code == 429
    # ...while the owner, from their own address, signs in at once.
    owner = client_at(app, OWNER)
    response = attempt(owner, "caseworker@example.org", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff"
    assert owner.get("/staff").status_code == 200
    blocked = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "auth.login_blocked")
    )
    assert blocked == 3  # answered without even checking the password


def test_finding_8_one_address_spraying_many_accounts_is_slowed_down(
    app: Flask, db: Any, caseworker: User
) -> None:
    now = dt.datetime.now(dt.UTC)
    for i in range(throttle.PER_ADDRESS):
        db.add(FailedLogin(email=f"user{i}@example.org", address=STRANGER, at=now))
    db.commit()
    assert attempt(client_at(app, STRANGER), "caseworker@example.org", PASSWORD).status_code == 429
    assert attempt(client_at(app, ELSEWHERE), "caseworker@example.org", PASSWORD).status_code == 302


def test_finding_8_unknown_emails_are_throttled_alike(app: Flask, db: Any) -> None:
    stranger = client_at(app, STRANGER)
    codes = [
        attempt(stranger, "ghost@example.org", "guess-password").status_code for _ in range(10)
    ]
    assert codes == [200] * 9 + [429]


def test_finding_8_the_wait_ends_after_fifteen_minutes(db: Any, caseworker: User) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=40)
    for i in range(10):
        sign_in_service(
            db, "caseworker@example.org", "wrong", STRANGER, start + dt.timedelta(seconds=i)
        )
    locked = sign_in_service(
        db, "caseworker@example.org", PASSWORD, STRANGER, start + dt.timedelta(minutes=14)
    )
    assert locked.user is None and locked.locked_until is not None
    later = sign_in_service(
        db, "caseworker@example.org", PASSWORD, STRANGER, start + dt.timedelta(minutes=16)
    )
    assert later.user is not None


def test_finding_8_counts_live_in_the_database_for_every_worker(fresh_database: str) -> None:
    """Two apps with engines of their own (as two gunicorn workers) share one count."""
    from tests.conftest import make_app
    from tracker.extensions import db as _db
    from tracker.services.accounts.users import create_user

    workers = [make_app(fresh_database, None) for _ in range(2)]
    with workers[0].app_context():
        create_user(_db.session, None, "owner@example.org", PASSWORD, "caseworker")
        _db.session.commit()
    try:
        clients = [client_at(w, STRANGER) for w in workers]
        for i in range(10):
            attempt(clients[i % 2], "owner@example.org", f"guess-{i}")
        assert [attempt(c, "owner@example.org", PASSWORD).status_code for c in clients] == [429] * 2
        assert (
            attempt(client_at(workers[1], OWNER), "owner@example.org", PASSWORD).status_code == 302
        )
    finally:
        for worker in workers:
            with worker.app_context():
                _db.session.remove()
                _db.engine.dispose()


def test_failed_sign_ins_are_forgotten_by_the_workers_housekeeping_after_a_day(
    app: Flask, db: Any, caseworker: User, monkeypatch: Any
) -> None:
    import os

    from tracker.jobs import runner

    now = dt.datetime.now(dt.UTC)
    db.add(FailedLogin(email="old@example.org", address=STRANGER, at=now - dt.timedelta(days=2)))
    for _ in range(throttle.PER_ADDRESS_AND_ACCOUNT):
        db.add(FailedLogin(email="caseworker@example.org", address=STRANGER, at=now))
    db.commit()
    monkeypatch.setattr(runner, "_app", app)
    monkeypatch.setattr(runner, "_app_pid", os.getpid())
    runner.housekeeping()
    db.expire_all()
    emails = db.scalars(select(FailedLogin.email)).all()
    # The two-day-old failure is gone; today's still lock the stranger out.
    assert "old@example.org" not in emails
    assert len(emails) == throttle.PER_ADDRESS_AND_ACCOUNT
    assert attempt(client_at(app, STRANGER), "caseworker@example.org", PASSWORD).status_code == 429
