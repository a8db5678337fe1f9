"""A caseworker's day in a real browser, and axe-core accessibility checks of the staff pages."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def sign_in(page: Any, base: str, user: dict[str, str]) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/staff")


def create_case(page: Any, base: str) -> str:
    page.goto(base + "/staff/cases/new")
    page.get_by_label("Full name").fill("Wang Quanzhang")
    page.get_by_label("Name in native script").fill("王全璋")
    page.get_by_label("Reference", exact=True).fill("CN-2015-709")
    page.get_by_label("Country").select_option("CN")
    page.get_by_label("Category").select_option("lawyer")
    page.get_by_label("Arrested on").fill("2015-08-04")
    page.get_by_label("Summary").fill("Human rights lawyer seized in the 709 crackdown.")
    page.get_by_label("Internal notes").fill("Wife in contact weekly.")
    page.get_by_role("button", name="Create case").click()
    page.wait_for_url(base + "/staff/cases/*")
    return str(page.url)


def record_status(
    page: Any, case_url: str, status: str, date: str, precision: str, release_kind: str = ""
) -> None:
    page.goto(case_url + "/status")
    page.get_by_label("New status").select_option(status)
    if release_kind:
        page.get_by_label("Release kind").select_option(release_kind)
    page.get_by_label("Date it took effect").fill(date)
    page.get_by_label("How much of the date is known").select_option(precision)
    page.get_by_label("Public note (shown to supporters)").fill(f"Now {status}.")
    page.get_by_role("button", name="Record status").click()
    page.wait_for_url(case_url)


def test_caseworker_creates_a_case_records_changes_and_finds_it(
    live_server: Any, staff_user: dict[str, str], page: Any
) -> None:
    base = live_server.url
    sign_in(page, base, staff_user)
    case_url = create_case(page, base)
    assert "Case CN-2015-709 created." in page.content()

    record_status(page, case_url, "sentenced", "2019-01-28", "day")
    # The release kind appears only for "released" (staff.js).
    page.goto(case_url + "/status")
    assert not page.get_by_label("Release kind").is_visible()
    page.get_by_label("New status").select_option("released")
    assert page.get_by_label("Release kind").is_visible()
    record_status(page, case_url, "released", "2020-04-05", "month", "sentence_served")

    page.goto(base + "/staff/cases")
    page.get_by_role("searchbox", name="Search").fill("crackdown")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/staff/cases?q=crackdown*")
    assert "1 case matching" in page.content()
    page.get_by_role("link", name="Wang Quanzhang").click()

    timeline = page.locator(".timeline").inner_text()
    assert "April 2020" in timeline and "5 April 2020" not in timeline
    assert "28 January 2019" in timeline
    assert "4 August 2015" in timeline
    assert "Sentence served" in timeline
    assert "Recorded by E2E Worker" in timeline
    assert page.get_by_text("Wife in contact weekly.").is_visible()


def test_sign_out_ends_the_session(live_server: Any, staff_user: dict[str, str], page: Any) -> None:
    sign_in(page, live_server.url, staff_user)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto(live_server.url + "/staff")
    assert "/login" in page.url


def test_staff_pages_have_no_serious_accessibility_violations(
    live_server: Any, staff_user: dict[str, str], page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    sign_in(page, base, staff_user)
    case_url = create_case(page, base)
    record_status(page, case_url, "charged", "2016-01-01", "year")
    axe = Axe()
    pages = {
        "sign-in form": None,
        "dashboard": base + "/staff",
        "case list": base + "/staff/cases?q=wang",
        "case page": case_url,
        "new case form": base + "/staff/cases/new",
        "edit form": case_url + "/edit",
        "status form": case_url + "/status",
    }
    problems = []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            if url is None:
                continue
            page.goto(url)
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(f"{name} @{width}px: {violation['id']} {targets}")
    # A form showing its errors must pass too.
    page.goto(base + "/staff/cases/new")
    page.get_by_role("button", name="Create case").click()
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            problems.append(f"form with errors: {violation['id']}")
    assert problems == []


def test_sign_in_page_is_accessible(live_server: Any, page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live_server.url + "/login")
    response = Axe().run(page).response
    assert response["passes"]  # axe really ran
    violations = response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
