"""`tracker demo load`: only into an empty database, every status, the three real people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from click.testing import Result
from sqlalchemy import select

from tests.cli.conftest import counts
from tracker.domain.vocabulary import Status
from tracker.models import Appeal, Campaign, Case


def test_demo_load_twice_does_not_duplicate(db: Any, tracker: Callable[..., Result]) -> None:
    first = tracker("demo", "load")
    assert first.exit_code == 0, first.output
    after_first = counts(db)
    second = tracker("demo", "load")
    assert second.exit_code == 0
    assert "already holds cases" in second.output
    assert counts(db) == after_first


def test_demo_covers_every_status_and_is_mostly_fictional(
    db: Any, tracker: Callable[..., Result]
) -> None:
    assert tracker("demo", "load").exit_code == 0
    cases = db.scalars(select(Case)).all()
    assert {c.status for c in cases} == {s.value for s in Status}
    fictional = [c for c in cases if c.reference.startswith("DEMO-")]
    assert len(fictional) >= 20
    assert all(c.summary.startswith("Fictional demo case.") for c in fictional)
    assert len({c.country for c in fictional}) >= 10
    assert any(c.is_publishable for c in fictional)
    assert any(not c.is_publishable for c in fictional)
    assert any(h.precision == "month" for c in fictional for h in c.history)


def test_demo_has_the_three_real_people_with_their_histories(
    db: Any, tracker: Callable[..., Result]
) -> None:
    assert tracker("demo", "load").exit_code == 0

    def history(reference: str) -> list[tuple[str, dt.date, str, str | None]]:
        case = db.scalar(select(Case).where(Case.reference == reference))
        return [(h.to_status, h.effective_on, h.precision, h.release_kind) for h in case.history]

    assert history("VN-2017-TTN") == [
        ("detained", dt.date(2017, 1, 1), "month", None),
        ("sentenced", dt.date(2017, 7, 25), "day", None),
        ("released", dt.date(2020, 1, 9), "day", "exile"),
    ]
    assert history("IR-2015-NM") == [
        ("detained", dt.date(2015, 5, 1), "month", None),
        ("sentenced", dt.date(2016, 5, 1), "month", None),
        ("released", dt.date(2020, 10, 8), "day", "early_release"),
        ("detained", dt.date(2021, 11, 1), "month", None),
    ]
    assert history("CN-2015-WQZ") == [
        ("disappeared", dt.date(2015, 8, 1), "month", None),
        ("on_trial", dt.date(2018, 12, 1), "month", None),
        ("sentenced", dt.date(2019, 1, 1), "month", None),
        ("released", dt.date(2020, 4, 5), "day", "sentence_served"),
    ]
    real = db.scalars(select(Case).where(~Case.reference.startswith("DEMO-"))).all()
    released_2020 = {
        c.full_name
        for c in real
        for h in c.history
        if h.to_status == "released" and h.effective_on.year == 2020
    }
    assert released_2020 == {"Tran Thi Nga", "Narges Mohammadi", "Wang Quanzhang"}


def test_demo_campaign_has_active_appeals_on_held_public_cases(
    db: Any, tracker: Callable[..., Result]
) -> None:
    assert tracker("demo", "load").exit_code == 0
    campaign = db.scalar(select(Campaign).where(Campaign.slug == "write-for-rights-2020"))
    assert campaign.name == "Write for Rights 2020"
    appeals = db.scalars(select(Appeal).where(Appeal.campaign_id == campaign.id)).all()
    assert len(appeals) >= 3
    for appeal in appeals:
        assert appeal.status == "active"
        assert Status(appeal.case.status).is_held and appeal.case.is_publishable
        assert appeal.addressee is not None
