"""/write: one click to a letter for someone who needs it, weighted toward the least-written."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import User
from tracker.services.cases.editing import change_status
from tracker.services.letters.counters import add_counts
from tracker.services.letters.editing import create_campaign


@pytest.fixture
def seeded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> random.Random:
    rng = random.Random(20201210)  # noqa: S311 - a seeded, repeatable pick
    monkeypatch.setitem(app.extensions, "write_rng", rng)
    monkeypatch.setitem(app.config, "WRITE_CHOICES_TTL_SECONDS", 0.0)
    return rng


def _target(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/write{query}")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    return response.headers["Location"]


def test_least_written_third_gets_at_least_half_of_1000_picks(
    client: FlaskClient, db: Any, caseworker: User, seeded: random.Random
) -> None:
    addressee = make_addressee(db, caseworker)
    today = dt.date.today()
    appeals = []
    for i in range(30):
        case = make_case(db, caseworker, f"VN-W{i:02d}", f"Writer Person{i:02d}")
        appeal = make_appeal(db, caseworker, case, addressee)
        # Letters posted in the last 30 days: 0, 2, 4, ... 58 (spread over several days).
        for n in range(2 * i):
            add_counts(db, appeal.id, today - dt.timedelta(days=n % 30), sent=1)
        appeals.append((case.slug, appeal.id))
    # Many letters long ago do not count against the least-written of the last 30 days.
    for _slug, appeal_id in appeals[:10]:
        add_counts(db, appeal_id, today - dt.timedelta(days=45), sent=500)
    db.commit()
    least = {f"/cases/{slug}/letters/{appeal_id}" for slug, appeal_id in appeals[:10]}
    picks = Counter(_target(client) for _ in range(1000))
    assert set(picks) <= {f"/cases/{s}/letters/{a}" for s, a in appeals}
    share = sum(n for url, n in picks.items() if url in least) / 1000
    assert share >= 0.5, share
    # Every letter can still be picked, the most-written too.
    assert len(picks) >= 25


def test_write_filters_by_letter_language_and_campaign(
    client: FlaskClient, db: Any, caseworker: User, seeded: random.Random
) -> None:
    addressee = make_addressee(db, caseworker)
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    persian = make_appeal(
        db,
        caseworker,
        make_case(db, caseworker, "IR-1", "Narges Mohammadi"),
        addressee,
        language="fa",
    )
    chinese = make_appeal(
        db,
        caseworker,
        make_case(db, caseworker, "CN-1", "Wang Quanzhang"),
        addressee,
        language="zh-Hans",
        campaign=campaign.slug,
    )
    english = make_appeal(
        db, caseworker, make_case(db, caseworker, "VN-1", "Tran Thi Nga"), addressee
    )
    db.commit()
    assert {_target(client, "?lang=fa") for _ in range(20)} == {
        f"/cases/narges-mohammadi/letters/{persian.id}"
    }
    assert {_target(client, "?lang=zh") for _ in range(20)} == {
        f"/cases/wang-quanzhang/letters/{chinese.id}"
    }
    assert {_target(client, f"?campaign={campaign.slug}") for _ in range(20)} == {
        f"/cases/wang-quanzhang/letters/{chinese.id}"
    }
    assert len({_target(client) for _ in range(60)}) == 3
    assert english.id


def test_write_never_sends_to_a_hidden_closed_released_or_past_deadline_letter(
    client: FlaskClient, db: Any, caseworker: User, seeded: random.Random
) -> None:
    addressee = make_addressee(db, caseworker)
    open_case = make_case(db, caseworker, "VN-OPEN", "Open Person")
    wanted = make_appeal(db, caseworker, open_case, addressee)
    make_appeal(
        db, caseworker, make_case(db, caseworker, "VN-HID", "Hidden", public=False), addressee
    )
    make_appeal(
        db, caseworker, make_case(db, caseworker, "VN-UNC", "Unc", consent=False), addressee
    )
    make_appeal(db, caseworker, open_case, addressee, status="closed")
    make_appeal(db, caseworker, open_case, addressee, status="draft")
    freed = make_case(db, caseworker, "VN-FREE", "Freed Person")
    make_appeal(db, caseworker, freed, addressee)
    change_status(db, caseworker, freed, "released", dt.date(2020, 5, 1), release_kind="pardon")
    db.commit()
    assert {_target(client) for _ in range(40)} == {f"/cases/open-person/letters/{wanted.id}"}


def test_write_with_nothing_to_write_goes_home_and_says_so(
    client: FlaskClient, db: Any, seeded: random.Random
) -> None:
    response = client.get("/write?lang=xx", follow_redirects=True)
    assert response.request.path == "/"
    assert "No letter matches this choice right now" in response.get_data(as_text=True)
