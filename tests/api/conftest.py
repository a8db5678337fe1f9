"""Fixtures for the API tests: a token per role and a case to work on."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.models import Case, User
from tracker.services.cases import create_case
from tracker.services.users import create_token

NGA = {
    "reference": "VN-2017-TTN",
    "full_name": "Tran Thi Nga",
    "name_native": "Trần Thị Nga",
    "country": "VN",
    "category": "environmental_defender",
    "arrested_on": "2017-01-21",
    "summary": "Environmental campaigner who reported on the Formosa toxic spill.",
    "internal_notes": "SENTINEL-INTERNAL",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin_token(db: Any, admin: User) -> str:
    token = create_token(db, None, admin, "tests")
    db.commit()
    return token


@pytest.fixture
def caseworker_token(db: Any, caseworker: User) -> str:
    token = create_token(db, None, caseworker, "tests")
    db.commit()
    return token


@pytest.fixture
def viewer_token(db: Any, viewer: User) -> str:
    token = create_token(db, None, viewer, "tests")
    db.commit()
    return token


@pytest.fixture
def nga(db: Any, caseworker: User) -> Case:
    case = create_case(db, caseworker, NGA)
    db.commit()
    return case
