"""An import of more cases than one batch: each case gets its own ids, history, audit event
and freshly encrypted private values, and the public memos are emptied (docs/performance.md:
the import binds its rows itself, past SQLAlchemy's executemany and the session's events)."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select, text

from tracker.domain.case_fields import transfer_columns
from tracker.models import AuditEvent, Case, StatusChange, User
from tracker.services.cases.transfer import EVENT_COLUMNS, import_cases
from tracker.services.publishing import state_memo

CASES = 1_203  # three batches of new cases: 500, 500 and 203
PATHS = [["detained"], ["detained", "charged"], ["disappeared", "detained", "sentenced"]]


class _Memo:
    stamp = None

    def __init__(self) -> None:
        self.cleared = 0

    def clear(self) -> None:
        self.cleared += 1


def _files() -> tuple[io.StringIO, io.StringIO]:
    columns = transfer_columns(include_private=True)
    cases, events = io.StringIO(), io.StringIO()
    case_rows, event_rows = csv.writer(cases), csv.writer(events)
    case_rows.writerow(columns)
    event_rows.writerow(EVENT_COLUMNS)
    for i in range(CASES):
        row = dict.fromkeys(columns, "")
        path = PATHS[i % len(PATHS)]
        row |= {
            "reference": f"BATCH-{i:04d}",
            "full_name": f"Batch Person {i}",
            "country": "VN",
            "category": "activist",
            "arrested_on": "2019-03-01",
            "status": path[-1],
            "status_on": f"2020-0{len(path)}-0{1 + i % 9}",
            "is_public": "true" if i % 2 else "false",
            "consent_publicity": "true",
            # One character: Python keeps one string object for it, shared by every row.
            "health_notes": "x",
            "birth_date": "1980-05-06" if i % 4 == 0 else "",
        }
        case_rows.writerow([row[c] for c in columns])
        for k, status in enumerate(path):
            event_rows.writerow(
                [row["reference"], status, f"2020-0{k + 1}-0{1 + i % 9}", "", "", "", ""]
            )
    cases.seek(0)
    events.seek(0)
    return cases, events


def test_each_case_of_a_large_import_gets_its_own_history_audit_event_and_ciphertexts(
    db: Any, caseworker: User
) -> None:
    memo = _Memo()
    state_memo.register(memo)
    result = import_cases(db, caseworker, *_files())
    assert (result.created, result.status_changes) == (CASES, CASES * 2)
    assert memo.cleared > 0  # the public pages' memos forget what they held
    db.expire_all()

    cases = db.scalars(select(Case).order_by(Case.reference)).all()
    assert len(cases) == CASES
    events = {
        e.entity_id: e
        for e in db.scalars(select(AuditEvent).where(AuditEvent.action == "case.create"))
    }
    assert len(events) == CASES
    for i, case in enumerate(cases):
        path = PATHS[i % len(PATHS)]
        assert case.reference == f"BATCH-{i:04d}" and case.full_name == f"Batch Person {i}"
        assert [c.to_status for c in case.history] == path
        assert case.status == path[-1] and case.version == 1
        assert case.health_notes == "x"
        assert (case.birth_date is not None) == (i % 4 == 0)
        event = events[case.id]
        assert event.user_id == caseworker.id
        assert event.detail["changes"]["reference"] == [None, case.reference]
        assert event.detail["changes"]["health_notes"] == "changed"
        assert event.detail["to_status"] == path[-1]
        assert "status" in event.fields and "full_name" in event.fields
    # Every private value is sealed on its own: a random nonce each, so no two are alike.
    stored = db.execute(text("SELECT health_notes FROM cases")).scalars().all()
    assert all(s.startswith("enc1:") for s in stored) and len(set(stored)) == CASES
    assert db.scalar(select(func.count()).select_from(StatusChange)) == CASES * 2
