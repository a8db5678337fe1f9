"""Attention by status: each reason, who it spares (released, dead, closed), and the words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import login_as
from tracker.domain.attention import Reason, consent_due, consent_review_on
from tracker.models import Appeal, Case, User
from tracker.services.attention import attention_by_case, items_for
from tracker.services.cases.editing import change_status, create_case
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.placements import add_hearing, add_placement
from tracker.services.letters.editing import create_addressee, create_appeal

TODAY = dt.date.today()
LONG_AGO = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)


def person(db: Any, actor: User, reference: str, status: str, **fields: Any) -> Case:
    case = create_case(
        db,
        actor,
        {"reference": reference, "full_name": f"Person {reference}", "country": "IR",
         "category": "journalist", "arrested_on": "2019-01-01", **fields},
    )  # fmt: skip
    if status == "died_in_custody" or status != "detained":
        kind = "pardon" if status == "released" else None
        change_status(db, actor, case, status, dt.date(2020, 1, 1), release_kind=kind)
    return case


def quiet(db: Any, *cases: Case) -> None:
    """Nothing recorded on these cases for 100 days."""
    db.flush()
    db.execute(update(Case).where(Case.id.in_([c.id for c in cases])).values(updated_at=LONG_AGO))
    db.expire_all()


def reasons(db: Any, case: Case) -> list[Reason]:
    return [i.reason for i in items_for(db, TODAY) if i.case_id == case.id]


def test_only_people_still_held_need_attention_for_being_quiet(db: Any, caseworker: User) -> None:
    held = person(db, caseworker, "A-HELD", "sentenced")
    released = person(db, caseworker, "A-FREE", "released")
    dead = person(db, caseworker, "A-DEAD", "died_in_custody")
    closed = person(db, caseworker, "A-SHUT", "closed")
    busy = person(db, caseworker, "A-BUSY", "charged")
    quiet(db, held, released, dead, closed)
    assert reasons(db, held) == [Reason.HELD_NO_CHANGE]
    for case in (released, dead, closed, busy):
        assert reasons(db, case) == [], case.reference
    item = next(i for i in items_for(db, TODAY) if i.case_id == held.id)
    assert item.on == LONG_AGO.date()


def test_appeal_deadline_within_7_days_and_hearing_within_14_days(
    db: Any, caseworker: User
) -> None:
    case = person(db, caseworker, "A-COURT", "on_trial")
    later = person(db, caseworker, "A-LATER", "on_trial")
    addressee = create_addressee(
        db, caseworker, {"name": "A Minister", "address_lines": ["1 Street"], "country": "IR"}
    )
    for target, days in ((case, 5), (later, 10)):
        appeal = create_appeal(
            db, caseworker, target,
            {"kind": "appeal", "language": "en", "addressee_id": addressee.id,
             "subject": f"Free {target.reference}", "body": "Please release them."},
        )  # fmt: skip
        db.execute(
            update(Appeal)
            .where(Appeal.id == appeal.id)
            .values(deadline=TODAY + dt.timedelta(days=days))
        )
    add_hearing(
        db, caseworker, case, TODAY + dt.timedelta(days=14), kind="trial", court="Branch 15"
    )
    add_hearing(db, caseworker, later, TODAY + dt.timedelta(days=15), kind="trial")
    assert reasons(db, case) == [Reason.APPEAL_DEADLINE, Reason.HEARING]
    assert reasons(db, later) == []
    hearing = next(i for i in items_for(db, TODAY, [Reason.HEARING]) if i.case_id == case.id)
    assert (hearing.kind, hearing.detail) == ("trial", "Branch 15")


def test_consent_is_reconfirmed_once_a_year_and_a_consent_without_date_is_flagged(
    db: Any, caseworker: User
) -> None:
    year_old = TODAY - dt.timedelta(days=350)
    due = person(db, caseworker, "A-DUE", "detained", consent_publicity=True,
                 consent_publicity_by="family", consent_publicity_on=year_old)  # fmt: skip
    fresh = person(db, caseworker, "A-FRESH", "detained", consent_photo=True,
                   consent_photo_on=TODAY - dt.timedelta(days=100))  # fmt: skip
    undated = person(db, caseworker, "A-UNDATED", "detained", consent_detention_address=True)
    # Released and not published: the consent is in use nowhere, so no review.
    spared = person(db, caseworker, "A-SPARED", "released", consent_publicity=True)
    assert reasons(db, due) == [Reason.CONSENT]
    assert reasons(db, fresh) == []
    assert reasons(db, undated) == [Reason.CONSENT]
    assert reasons(db, spared) == []
    items = {i.case_id: i for i in items_for(db, TODAY, [Reason.CONSENT])}
    assert items[due.id].on == consent_review_on(year_old) and items[due.id].kind == "publicity"
    assert items[due.id].detail == "family"
    assert items[undated.id].on is None and items[undated.id].kind == "detention_address"


def test_consent_review_day_is_a_year_on() -> None:
    assert consent_review_on(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert consent_review_on(dt.date(2024, 3, 1)) == dt.date(2025, 3, 1)
    # Shown from 30 days before the review day.
    assert consent_due(dt.date(2024, 3, 1), dt.date(2025, 1, 30))
    assert not consent_due(dt.date(2024, 3, 1), dt.date(2025, 1, 29))
    assert consent_due(None, dt.date(2025, 1, 1))


def test_held_at_a_facility_whose_address_is_unverified(db: Any, caseworker: User) -> None:
    never = create_facility(db, caseworker, {"name": "Evin", "country": "IR", "kind": "prison"})
    checked = create_facility(
        db, caseworker,
        {"name": "Qarchak", "country": "IR", "kind": "prison",
         "address_verified_on": TODAY - dt.timedelta(days=10)},
    )  # fmt: skip
    moved = person(db, caseworker, "A-MOVED", "sentenced")
    add_placement(db, caseworker, moved, never.id, dt.date(2019, 2, 1))
    add_placement(db, caseworker, moved, checked.id, dt.date(2020, 2, 1))
    stays = person(db, caseworker, "A-EVIN", "sentenced")
    add_placement(db, caseworker, stays, never.id, dt.date(2019, 2, 1))
    out = person(db, caseworker, "A-OUT", "released")
    add_placement(db, caseworker, out, never.id, dt.date(2019, 2, 1))
    assert reasons(db, moved) == []  # now at a verified facility
    assert reasons(db, stays) == [Reason.ADDRESS_UNVERIFIED]
    assert reasons(db, out) == []
    item = next(i for i in items_for(db, TODAY) if i.case_id == stays.id)
    assert item.detail == "Evin" and item.on is None


@pytest.mark.usefixtures("db")
def test_dashboard_says_why_each_case_needs_attention(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    held = person(db, caseworker, "A-HELD", "sentenced", consent_publicity=True,
                  consent_publicity_on=TODAY - dt.timedelta(days=400))  # fmt: skip
    released = person(db, caseworker, "A-FREE", "released")
    quiet(db, held, released)
    db.commit()
    login_as(client, caseworker)
    whole = client.get("/staff").get_data(as_text=True)
    page = whole[whole.index('id="attention-heading"') : whole.index('id="latest-heading"')]
    assert "Person A-HELD" in page and "Person A-FREE" not in page
    assert "Still held, and nothing recorded since" in page
    review = consent_review_on(TODAY - dt.timedelta(days=400))
    assert "Publicity consent was due to be re-confirmed on" in page
    assert f"{review.day} {review.strftime('%B %Y')}" in page
    cases, more = attention_by_case(db, TODAY)
    assert len(cases) == 1 and not more


def test_dashboard_lists_at_most_a_page_of_each_reason(db: Any, caseworker: User) -> None:
    quiet(db, *[person(db, caseworker, f"A-Q{n}", "sentenced") for n in range(4)])
    cases, more = attention_by_case(db, TODAY, limit=3)
    assert len(cases) == 3 and more
    cases, more = attention_by_case(db, TODAY, limit=4)
    assert len(cases) == 4 and not more
