"""The yearly report of releases in a real browser: it fits a phone and axe-core finds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.test_supporter import serious
from tests.reports.conftest import REAL_PEOPLE, add_case

pytestmark = pytest.mark.e2e

Seed = Callable[[Callable[[Any], Any]], Any]


@pytest.fixture
def released_in_2020(seed: Seed) -> None:
    """The three real people, public and consented, with their histories."""

    def build(session: Any) -> None:
        for person in REAL_PEOPLE:
            fields = {**person["fields"], "is_public": True, "consent_publicity": True}
            add_case(session, None, fields, person["history"])

    seed(build)


def test_report_page_fits_a_phone_and_has_no_serious_accessibility_violations(
    live_server: Any, released_in_2020: None, page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/reports/releases/2020")
        assert page.get_by_role("heading", name="Narges Mohammadi").is_visible()
        # Nothing wider than the screen: the charts' labels wrap instead of pushing the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        bars = page.locator(".report-chart .bars li")
        assert bars.count() > 0
        for box in (bars.nth(i).bounding_box() for i in range(bars.count())):
            assert box is not None and box["x"] + box["width"] <= width
        problems += serious(axe, page, f"report @{width}px")
    page.goto(f"{live_server.url}/reports/releases")
    problems += serious(axe, page, "year index")
    assert problems == []
