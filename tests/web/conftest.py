"""Fixtures for the staff web tests: committed users and a case with a short history.

Views roll back after a refused form; committing the fixtures first (which only releases the
test's savepoint) keeps them alive across such a rollback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tracker.models import Case, User
from tracker.services.cases.editing import change_status, create_case

CASE_FIELDS = {
    "reference": "VN-2017-001",
    "full_name": "Tran Thi Nga",
    "name_native": "Trần Thị Nga",
    "country": "VN",
    "category": "human_rights_defender",
    "arrested_on": dt.date(2017, 1, 21),
    "summary": "Labour rights campaigner sentenced for her writing online.",
    "internal_notes": "SENTINEL-INTERNAL",
}


@pytest.fixture
def admin(admin: User, db: Any) -> User:
    db.commit()
    return admin


@pytest.fixture
def caseworker(caseworker: User, db: Any) -> User:
    db.commit()
    return caseworker


@pytest.fixture
def viewer(viewer: User, db: Any) -> User:
    db.commit()
    return viewer


@pytest.fixture
def case(db: Any, caseworker: User) -> Case:
    record = create_case(db, caseworker, CASE_FIELDS)
    change_status(db, caseworker, record, "sentenced", dt.date(2017, 7, 1), precision="month")
    db.commit()
    return record
