"""Arabic pages in Chromium: mirrored right to left at 1280 and 375 px, and axe-core clean.

Screenshots of each page in English and Arabic at both widths are written to
TRACKER_SCREENSHOTS (when set, to look at them) or the test's own folder; the test compares the
two layouts by where the header's pieces sit, and checks that nothing is wider than a phone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_staff import sign_in
from tests.e2e.test_supporter import letter_world, serious  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

Seed = Callable[[Callable[[Any], Any]], Any]
WIDTHS = (1280, 375)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def _check_layout(page: Any, language: str, width: int, name: str) -> None:
    """The header reads from the right in Arabic, from the left in English; nothing overflows."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows"
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    brand = _box(page, ".brand")
    switcher = _box(page, ".lang-switch")
    heading = _box(page, "main h1")
    main = _box(page, "main")
    row = _box(page, ".header-row")
    margin = 24
    if language == "ar":
        # The organisation's name starts at the right edge and the headline is set flush right.
        assert brand["x"] + brand["width"] >= row["x"] + row["width"] - margin, (name, brand)
        assert heading["x"] + heading["width"] >= main["x"] + main["width"] - margin
        if width >= 1000:
            assert switcher["x"] < brand["x"], (name, switcher, brand)
    else:
        assert brand["x"] <= row["x"] + margin, (name, brand)
        assert heading["x"] <= main["x"] + margin
        if width >= 1000:
            assert switcher["x"] > brand["x"], (name, switcher, brand)
    # The switcher is on screen and each link is big enough to tap on a phone.
    assert switcher["x"] >= 0 and switcher["x"] + switcher["width"] <= width
    for i in range(page.locator(".lang-switch a").count()):
        link = page.locator(".lang-switch a").nth(i).bounding_box()
        assert link is not None and link["height"] >= 24 and link["width"] >= 24


def test_arabic_is_mirrored_fits_a_phone_and_has_no_serious_violation(
    live_server: Any,
    letter_world: dict[str, Any],  # noqa: F811  (the fixture imported above)
    seed: Seed,
    page: Any,
    tmp_path: Path,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tracker.services.accounts.users import create_user

    seed(lambda s: create_user(s, None, "rtl@example.org", PASSWORD, "caseworker", "RTL"))
    base = live_server.url
    slug, appeal = letter_world["slug"], letter_world["appeal_id"]
    pages = {
        "home": "/",
        "case": f"/cases/{slug}",
        "letter": f"/cases/{slug}/letters/{appeal}",
        "dashboard": "/staff",
    }
    sign_in(page, base, {"email": "rtl@example.org", "password": PASSWORD})
    folder = _shots(tmp_path)
    axe = Axe()
    problems: list[str] = []
    for language in ("en", "ar"):
        page.goto(f"{base}/?lang={language}")  # the cookie carries it to the other pages
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                label = f"{name}-{language}-{width}"
                page.screenshot(path=str(folder / f"{label}.png"), full_page=True)
                _check_layout(page, language, width, label)
                problems += serious(axe, page, label)
    assert problems == []
    assert len(list(folder.glob("*.png"))) >= 16


def test_language_switcher_leads_to_the_same_page_in_arabic(
    live_server: Any,
    letter_world: dict[str, Any],  # noqa: F811
    page: Any,
) -> None:
    url = f"{live_server.url}/cases/{letter_world['slug']}"
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربية").click()
    page.wait_for_load_state()
    assert page.url.startswith(url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="Tran Thi Nga").is_visible()
    # Remembered: the home page, opened without ?lang, is Arabic too.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("heading", name="اكتب من أجل حريتهم").is_visible()
