"""A caseworker removes a postponed hearing in a real browser: "Remove…" opens without script,
the button removes it, and the control fits a phone screen."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from tests.e2e.test_staff import sign_in
from tracker.services.cases.editing import create_case
from tracker.services.custody.placements import add_hearing

pytestmark = pytest.mark.e2e


def test_caseworker_removes_a_postponed_hearing(
    live_server: Any, seed: Any, staff_user: dict[str, str], page: Any, tmp_path: Any
) -> None:
    soon = dt.date.today() + dt.timedelta(days=6)
    case = seed(
        lambda s: create_case(
            s,
            None,
            {
                "reference": "IR-2015-NM",
                "full_name": "Narges Mohammadi",
                "country": "IR",
                "category": "human_rights_defender",
            },
        )
    )
    seed(lambda s: add_hearing(s, None, s.get(type(case), case.id), soon, court="Branch 15"))
    base = live_server.url
    sign_in(page, base, staff_user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/staff/cases/{case.id}")
    remove = page.get_by_role("button", name="Remove this hearing")
    assert not remove.is_visible()  # closed until asked for
    page.locator("summary", has_text="Remove…").first.click()
    assert remove.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    if shots:
        page.screenshot(path=os.path.join(shots, "remove-hearing-375.png"), full_page=True)
    remove.click()
    page.wait_for_url(f"{base}/staff/cases/{case.id}*")
    assert "Hearing removed." in page.content()
    assert "Branch 15" not in page.content()
