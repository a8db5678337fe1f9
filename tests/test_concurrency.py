"""Several processes change one case at once: every successful change is kept, none is lost."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from tracker import create_app
from tracker.database import write_intent
from tracker.domain.errors import InvalidTransition, StaleEdit
from tracker.extensions import db
from tracker.models import Case, StatusChange
from tracker.services.cases.editing import change_status, create_case, update_case

PROCESSES = 4
CHANGES = 20


def _worker(url: str, instance: str, case_id: int, changes: int, queue: Any) -> None:
    """Alternate the case between detained and charged, and append to its summary."""
    os.environ["TRACKER_INSTANCE_PATH"] = instance
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    done = retries = 0
    with app.app_context():
        while done < changes:
            try:
                with write_intent():
                    case = db.session.get_one(Case, case_id)
                    target = "charged" if case.status == "detained" else "detained"
                    change_status(db.session, None, case, target, dt.date(2024, 1, 1))
                    update_case(
                        db.session, None, case, {"summary": case.summary + "x"}, case.version
                    )
                    db.session.commit()
                done += 1
            except (StaleDataError, OperationalError, InvalidTransition, StaleEdit):
                # Someone else changed the case first: the change is refused, never lost.
                db.session.rollback()
                retries += 1
            finally:
                db.session.remove()
        db.engine.dispose()
    queue.put((done, retries))


@pytest.mark.slow
def test_no_update_is_lost_when_processes_change_one_case(
    fresh_database: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same instance folder, so the same data key, as the worker processes below.
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": fresh_database}
    )
    with app.app_context(), write_intent():
        case = create_case(
            db.session,
            None,
            {
                "reference": "C-1",
                "full_name": "Shared Case",
                "country": "VN",
                "category": "activist",
                "arrested_on": "2020-01-01",
            },
        )
        db.session.commit()
        case_id = case.id
        db.session.remove()
        db.engine.dispose()

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(fresh_database, str(tmp_path), case_id, CHANGES, queue))
        for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    total = sum(done for done, _ in results)
    assert total == PROCESSES * CHANGES

    with app.app_context():
        case = db.session.get_one(Case, case_id)
        history = db.session.scalars(
            select(StatusChange).where(StatusChange.case_id == case_id).order_by(StatusChange.id)
        ).all()
        assert len(history) == 1 + total
        assert case.summary == "x" * total
        # Each change starts where the one before ended: no two writers read the same state.
        for before, after in itertools.pairwise(history):
            assert after.from_status == before.to_status
        assert case.status == history[-1].to_status
        db.session.remove()
        db.engine.dispose()
