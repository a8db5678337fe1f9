"""Two clients editing one case from the same ETag: one wins, the other is told (412)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from tests.api.conftest import ServedApi, bearer
from tracker.models import AuditEvent, Case, StatusChange


def test_same_etag_twice_gives_one_200_and_one_412(
    app: Flask, client: FlaskClient, db: Any, nga: Case, admin_token: str
) -> None:
    other = app.test_client()
    url = f"/api/v1/cases/{nga.id}"
    etag_a = client.get(url, headers=bearer(admin_token)).headers["ETag"]
    etag_b = other.get(url, headers=bearer(admin_token)).headers["ETag"]
    assert etag_a == etag_b
    first = client.patch(
        url, json={"summary": "Edited by A"}, headers={**bearer(admin_token), "If-Match": etag_a}
    )
    second = other.patch(
        url, json={"summary": "Edited by B"}, headers={**bearer(admin_token), "If-Match": etag_b}
    )
    assert (first.status_code, second.status_code) == (200, 412)
    assert second.json["details"]["current_version"] == first.json["version"]
    db.expire_all()
    assert db.get(Case, nga.id).summary == "Edited by A"
    updates = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.update", AuditEvent.entity_id == nga.id)
    ).all()
    assert len(updates) == 1


def _patch(base: str, token: str, case_id: int, etag: str, summary: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own http:// server
        f"{base}/api/v1/cases/{case_id}",
        data=json.dumps({"summary": summary}).encode(),
        method="PATCH",
        headers={**bearer(token), "If-Match": etag, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_simultaneous_edits_on_a_real_server_lose_nothing(
    served_api: ServedApi, fresh_database: str
) -> None:
    base, token, case_id = served_api.url, served_api.token, served_api.case_id
    url = f"{base}/api/v1/cases/{case_id}"
    request = urllib.request.Request(url, headers=bearer(token))  # noqa: S310 - our server
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
        etag = response.headers["ETag"]
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def edit(name: str) -> None:
        barrier.wait()
        results[name] = _patch(base, token, case_id, etag, f"Edited by {name}")

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == [200, 412]
    winner = next(name for name, status in results.items() if status == 200)
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        assert conn.scalar(select(Case.summary).where(Case.id == case_id)) == f"Edited by {winner}"
        updates = conn.scalars(
            select(AuditEvent.id).where(
                AuditEvent.action == "case.update", AuditEvent.entity_id == case_id
            )
        ).all()
        assert len(updates) == 1
        history = conn.scalars(select(StatusChange.id).where(StatusChange.case_id == case_id))
        assert len(history.all()) == 1  # an edit is not a status change
    engine.dispose()
