"""Fixtures for the custody tests: a facility with real-world-shaped rules and a held person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import admin_token, caseworker_token, viewer_token
from tests.conftest import csrf_token_from
from tracker.models import Case, Facility, User
from tracker.services.cases.editing import create_case
from tracker.services.custody.facilities import create_facility

# The API's token fixtures, for this folder too.
__all__ = ["admin_token", "caseworker_token", "viewer_token"]

ZANJAN = {
    "name": "Zanjan Central Prison",
    "name_native": "زندان مرکزی زنجان",
    "kind": "prison",
    "country": "IR",
    "address_lines": ["Zanjan Central Prison", "Zanjan-Tehran Road", "Zanjan"],
    "address_lines_native": ["زندان مرکزی زنجان", "جاده زنجان-تهران", "زنجان"],
    "accepts_letters": True,
    "address_verified_on": dt.date.today() - dt.timedelta(days=20),
    "letter_rules": {
        "languages": ["fa"],
        "envelope": ["The full name and father's name of the recipient"],
        "allowed": ["Postcards", "Photographs of landscapes"],
        "forbidden": ["Political slogans", "Money"],
        "notes": "Letters in Persian pass the censor fastest.",
    },
}


@pytest.fixture
def caseworker(caseworker: User, db: Any) -> User:
    db.commit()
    return caseworker


@pytest.fixture
def zanjan(db: Any, caseworker: User) -> Facility:
    facility = create_facility(db, caseworker, ZANJAN)
    db.commit()
    return facility


@pytest.fixture
def person(db: Any, caseworker: User) -> Case:
    case = create_case(
        db,
        caseworker,
        {
            "reference": "IR-2015-NM",
            "full_name": "Narges Mohammadi",
            "country": "IR",
            "category": "human_rights_defender",
            "arrested_on": dt.date(2015, 5, 5),
        },
    )
    db.commit()
    return case


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    token = csrf_token_from(client, url)
    return client.post(url, data={"csrf_token": token, **data})
