"""Fixtures for the report tests: the three people released in 2020, and cases full of sentinels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import private_sentinels
from tracker.models import Appeal, AppealCounter, Case, User
from tracker.services.cases.editing import change_status, create_case

# Public facts copied from the shared seed data (tests never read it at run time).
REAL_PEOPLE: list[dict[str, Any]] = [
    {
        "fields": {
            "reference": "VN-2017-TTN",
            "full_name": "Tran Thi Nga",
            "name_native": "Trần Thị Nga",
            "country": "VN",
            "category": "environmental_defender",
            "profession": "labour and land rights activist, former migrant worker",
        },
        "history": [
            ("detained", "2017-01-01", "month", None, "Arrested in January 2017."),
            ("sentenced", "2017-07-25", "day", None,
             "Sentenced by the People's Court of Ha Nam province to nine years in prison and "
             "five years of house arrest."),
            ("released", "2020-01-09", "day", "exile",
             "Released after three years in prison, on condition that she leave the country."),
        ],
    },
    {
        "fields": {
            "reference": "IR-2015-NM",
            "full_name": "Narges Mohammadi",
            "name_native": "نرگس محمدی",
            "country": "IR",
            "category": "human_rights_defender",
            "profession": "anti-death penalty campaigner",
        },
        "history": [
            ("detained", "2015-05-01", "month", None, "Arrested in May 2015."),
            ("sentenced", "2016-05-01", "month", None,
             "Sentenced to 16 years in prison, 10 of them enforceable."),
            ("released", "2020-10-08", "day", "early_release",
             "Released from Zanjan prison after her sentence was reduced."),
            ("detained", "2021-11-01", "month", None, "Arrested again in November 2021."),
        ],
    },
    {
        "fields": {
            "reference": "CN-2015-WQZ",
            "full_name": "Wang Quanzhang",
            "name_native": "王全璋",
            "country": "CN",
            "category": "lawyer",
            "profession": "human rights lawyer",
        },
        "history": [
            ("disappeared", "2015-08-01", "month", None,
             "Taken by police in August 2015; his family did not know where he was held."),
            ("on_trial", "2018-12-01", "month", None, "Tried behind closed doors in Tianjin."),
            ("sentenced", "2019-01-01", "month", None,
             "Sentenced to four and a half years in prison for 'subversion of state power'."),
            ("released", "2020-04-05", "day", "sentence_served",
             "Released after serving his full sentence."),
        ],
    },
]  # fmt: skip

SENTINEL = "SENTINEL-7f3a"


def add_case(
    db: Any,
    actor: User | None,
    fields: dict[str, Any],
    history: list[tuple[Any, ...]],
    note: str = "",
) -> Case:
    """A case with its status history of (status, date, precision, release kind, public note)."""
    case = create_case(db, actor, fields)
    for status, when, precision, kind, public_note in history:
        change_status(
            db,
            actor,
            case,
            status,
            dt.date.fromisoformat(when),
            precision=precision,
            release_kind=kind,
            public_note=public_note,
            note=note,
        )
    return case


@pytest.fixture
def real_people(db: Any, caseworker: User) -> list[Case]:
    """Tran Thi Nga, Narges Mohammadi and Wang Quanzhang: public, consented."""
    cases = []
    for person in REAL_PEOPLE:
        fields = {**person["fields"], "is_public": True, "consent_publicity": True}
        cases.append(add_case(db, caseworker, fields, person["history"]))
    db.commit()
    return cases


def private_values(tag: str) -> dict[str, Any]:
    return private_sentinels(f"{SENTINEL}-{tag}")


@pytest.fixture
def sentinel_cases(db: Any, caseworker: User) -> dict[str, Case]:
    """Cases released in 2020 with sentinels in every private field and internal note.

    - `named`: public and consented (named in public outputs; its private fields never are);
    - `hidden`: not public; `unconsented`: public without consent (both counted, never named).
    """
    history = [
        ("detained", "2018-03-03", "day", None, "Arrested at a protest."),
        ("released", "2020-06-15", "day", "charges_dropped", "Charges were dropped."),
    ]
    named = add_case(
        db, caseworker,
        {"reference": "XX-NAMED", "full_name": "Ada Example (fictional)", "country": "FR",
         "category": "journalist", "is_public": True, "consent_publicity": True,
         **private_values("named")},
        history, note=f"{SENTINEL}-internal-note-named",
    )  # fmt: skip
    hidden_history = [
        ("detained", "2018-03-03", "day", None, f"{SENTINEL}-public-note-of-hidden"),
        ("released", "2020-07-15", "day", "pardon", f"{SENTINEL}-public-note-of-hidden"),
    ]
    hidden = add_case(
        db, caseworker,
        {"reference": f"{SENTINEL}-REF-HIDDEN", "full_name": f"{SENTINEL} Hidden Name",
         "name_native": f"{SENTINEL} native", "country": "BY", "category": "student",
         "is_public": False, "consent_publicity": True, **private_values("hidden")},
        hidden_history, note=f"{SENTINEL}-internal-note-hidden",
    )  # fmt: skip
    unconsented = add_case(
        db, caseworker,
        {"reference": f"{SENTINEL}-REF-UNCONSENTED", "full_name": f"{SENTINEL} Unconsented",
         "country": "BY", "category": "student", "is_public": True, "consent_publicity": False,
         **private_values("unconsented")},
        hidden_history, note=f"{SENTINEL}-internal-note-unconsented",
    )  # fmt: skip
    # Letters for the named case, so the counters show up.
    appeal = Appeal(case_id=named.id, subject="Free Ada", body=f"{SENTINEL}-appeal-body")
    db.add(appeal)
    db.flush()
    db.add(AppealCounter(appeal_id=appeal.id, day=dt.date(2020, 3, 1), downloads=120, sent=45))
    db.commit()
    return {"named": named, "hidden": hidden, "unconsented": unconsented}
