"""Deadlines: an active appeal is never saved past its date; one that reaches it is closed,
audited, and shown on the dashboard of the caseworker who saved it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.conftest import csrf_token_from, login_as
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.domain.errors import ValidationError
from tracker.jobs.deadlines import close_expired
from tracker.models import Appeal, AuditEvent, User
from tracker.services.accounts.users import create_token, create_user
from tracker.services.letters.deadlines import close_expired_appeals
from tracker.services.letters.editing import update_appeal
from tracker.web.deadlines import CHECKED

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _pass_the_date(db: Any, appeal: Appeal) -> None:
    """Time passes: the appeal's date is now yesterday (it could not be saved so)."""
    db.execute(update(Appeal).where(Appeal.id == appeal.id).values(deadline=YESTERDAY))
    db.commit()
    db.expire_all()


def test_saving_an_active_appeal_past_its_date_is_refused(db: Any, caseworker: User) -> None:
    case = make_case(db, caseworker, "VN-D1", "Deadline Person")
    addressee = make_addressee(db, caseworker)
    with pytest.raises(ValidationError) as refused:
        make_appeal(db, caseworker, case, addressee, deadline=YESTERDAY.isoformat())
    assert "has passed" in refused.value.field_errors["deadline"]
    appeal = make_appeal(db, caseworker, case, addressee, deadline=dt.date.today().isoformat())
    db.commit()
    with pytest.raises(ValidationError):
        update_appeal(db, caseworker, appeal, {"deadline": YESTERDAY.isoformat()}, appeal.version)
    db.rollback()
    # A draft or a closed appeal may keep a past date.
    draft = make_appeal(db, caseworker, case, addressee, status="draft", deadline="2020-01-01")
    assert draft.deadline == dt.date(2020, 1, 1)


def test_api_refuses_a_past_date_on_an_active_appeal_and_changes_nothing(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    token = create_token(db, None, caseworker, "tests")
    case = make_case(db, caseworker, "VN-D2", "Api Deadline")
    appeal = make_appeal(db, caseworker, case, make_addressee(db, caseworker))
    db.commit()
    headers = {"Authorization": f"Bearer {token}", "If-Match": f'"appeal-{appeal.id}-v1"'}
    response = client.patch(
        f"/api/v1/appeals/{appeal.id}", json={"deadline": "2020-05-01"}, headers=headers
    )
    assert response.status_code == 422
    body = response.get_json()
    assert "has passed" in body["details"]["fields"]["deadline"][0]
    db.expire_all()
    assert db.get(Appeal, appeal.id).deadline is None and db.get(Appeal, appeal.id).version == 1


def test_staff_form_refuses_a_past_date_with_a_clear_message(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-D3", "Form Deadline")
    addressee = make_addressee(db, caseworker)
    db.commit()
    login_as(client, caseworker)
    url = f"/staff/cases/{case.id}/appeals/new"
    data = {
        "csrf_token": csrf_token_from(client, url),
        "kind": "appeal",
        "language": "en",
        "addressee_id": str(addressee.id),
        "subject": "Release {{ case.name }}",
        "body": "Please release {{ case.name }}.",
        "asks": "Release",
        "status": "active",
        "deadline": "2020-05-01",
    }
    response = client.post(url, data=data)
    assert response.status_code in (200, 422)
    assert "has passed" in response.get_data(as_text=True)
    assert db.scalars(select(Appeal).where(Appeal.case_id == case.id)).all() == []


def test_the_worker_task_closes_an_appeal_at_its_date_and_audits_it(
    fresh_database: str, tmp_path: Any
) -> None:
    from tests.conftest import make_app
    from tracker.extensions import db as _db

    app = make_app(fresh_database, str(tmp_path))
    with app.app_context():
        session = _db.session
        case = make_case(session, None, "VN-D4", "Worker Deadline")
        appeal = make_appeal(session, None, case, make_addressee(session, None))
        other = make_appeal(session, None, case, None, deadline=dt.date.today().isoformat())
        session.commit()
        _pass_the_date(session, appeal)
        ids = (appeal.id, other.id)
        session.remove()
    assert close_expired(app) == 1
    assert close_expired(app) == 0  # nothing left to close
    with app.app_context():
        first, second = (_db.session.get(Appeal, i) for i in ids)
        assert first.status == "closed" and second.status == "active"
        events = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "appeal.expire"))
        assert [e.entity_id for e in events] == [ids[0]]
        _db.session.remove()
        _db.engine.dispose()


def test_first_request_of_the_day_closes_it_and_the_caseworker_sees_it(
    app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    other = create_user(db, None, "other@example.org", "correct-horse-battery-9", "caseworker")
    case = make_case(db, caseworker, "VN-D5", "Lazy Deadline")
    appeal = make_appeal(db, caseworker, case, make_addressee(db, caseworker), subject="Free her")
    _pass_the_date(db, appeal)
    app.extensions.pop(CHECKED, None)  # a new day for this process
    public = client.get(f"/cases/{case.slug}/letters/{appeal.id}")
    assert public.status_code == 200
    db.expire_all()
    assert db.get(Appeal, appeal.id).status == "closed"
    login_as(client, caseworker)
    page = client.get("/staff").get_data(as_text=True)
    assert "closed at their take-action-before date" in page and "Free her" in page
    login_as(client, other)
    page = client.get("/staff").get_data(as_text=True)
    assert "Free her" not in page  # not theirs: neither saved by them nor assigned to them


def test_close_expired_leaves_undated_and_future_appeals(db: Any, caseworker: User) -> None:
    case = make_case(db, caseworker, "VN-D6", "Kept Open")
    addressee = make_addressee(db, caseworker)
    undated = make_appeal(db, caseworker, case, addressee)
    future = make_appeal(db, caseworker, case, addressee, deadline="2099-01-01")
    assert close_expired_appeals(db, dt.date.today()) == []
    assert (undated.status, future.status) == ("active", "active")
