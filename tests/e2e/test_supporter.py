"""A supporter writes a letter in a real browser; axe-core checks the public and letter pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.e2e.test_staff import sign_in
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import AppealCounter
from tracker.services.letters.editing import create_campaign

pytestmark = pytest.mark.e2e

Seed = Callable[[Callable[[Any], Any]], Any]


def serious(axe: Any, page: Any, name: str) -> list[str]:
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            problems.append(f"{name}: {violation['id']} {targets}")
    return problems


@pytest.fixture
def letter_world(seed: Seed) -> dict[str, Any]:
    """A public, consented, held case with an active appeal in a campaign."""

    def build(session: Any) -> dict[str, Any]:
        campaign = create_campaign(session, None, {"name": "Write for Rights 2020"})
        addressee = make_addressee(session, None)
        case = make_case(session, None, "VN-2017-TTN", "Tran Thi Nga", name_native="Trần Thị Nga")
        appeal = make_appeal(session, None, case, addressee, campaign=campaign.slug)
        session.flush()
        return {
            "slug": case.slug,
            "case_id": case.id,
            "appeal_id": appeal.id,
            "addressee_id": addressee.id,
            "campaign_id": campaign.id,
        }

    return seed(build)  # type: ignore[no-any-return]


def sent_count(seed: Seed, appeal_id: int) -> int:
    return int(
        seed(
            lambda s: s.scalar(
                select(func.coalesce(func.sum(AppealCounter.sent), 0)).where(
                    AppealCounter.appeal_id == appeal_id
                )
            )
        )
    )


def test_supporter_downloads_a_personalised_letter_and_posts_it(
    live_server: Any, seed: Seed, letter_world: dict[str, Any], page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Tran Thi Nga", exact=True).click()
    page.wait_for_url(f"{base}/cases/{letter_world['slug']}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tran Thi Nga")
    page.locator("main").get_by_role("link", name="Write a letter", exact=True).click()
    page.wait_for_url(f"**/letters/{letter_world['appeal_id']}")

    page.get_by_label("Your name", exact=True).fill("Alice Supporter")
    page.get_by_label("Your postal address", exact=True).fill("12 Rue des Lilas\n75011 Paris")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my letter (PDF)").click()
    download = download_info.value
    path = tmp_path / "letter.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Alice Supporter" in text and "12 Rue des Lilas" in text
    assert "Release Tran Thi Nga" in text

    before = sent_count(seed, letter_world["appeal_id"])
    page.get_by_role("button", name="I posted my letter").click()
    page.wait_for_url("**#sent")
    assert page.get_by_text("Thank you for posting your letter.").is_visible()
    assert sent_count(seed, letter_world["appeal_id"]) == before + 1


def test_supporter_pages_have_no_serious_accessibility_violations(
    live_server: Any, letter_world: dict[str, Any], page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    case_url = f"{base}/cases/{letter_world['slug']}"
    pages = {
        "home": base + "/",
        "case page": case_url,
        "letter page": f"{case_url}/letters/{letter_world['appeal_id']}",
    }
    axe = Axe()
    problems: list[str] = []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            page.goto(url)
            problems += serious(axe, page, f"{name} @{width}px")
    assert problems == []


def test_staff_letter_pages_have_no_serious_accessibility_violations(
    live_server: Any, staff_user: dict[str, str], letter_world: dict[str, Any], page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    sign_in(page, base, staff_user)
    appeal, case = letter_world["appeal_id"], letter_world["case_id"]
    pages = {
        "appeal form": f"{base}/staff/appeals/{appeal}/edit",
        "new appeal form": f"{base}/staff/cases/{case}/appeals/new",
        "appeal page": f"{base}/staff/appeals/{appeal}",
        "case page with appeals": f"{base}/staff/cases/{case}",
        "addressee list": f"{base}/staff/addressees",
        "addressee form": f"{base}/staff/addressees/{letter_world['addressee_id']}/edit",
        "campaign list": f"{base}/staff/campaigns",
        "campaign page": f"{base}/staff/campaigns/{letter_world['campaign_id']}",
        "campaign form": f"{base}/staff/campaigns/new",
    }
    axe = Axe()
    problems: list[str] = []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            page.goto(url)
            problems += serious(axe, page, f"{name} @{width}px")
    # The editor showing a template error beside the body, and a preview of typed text.
    page.goto(pages["appeal form"])
    page.get_by_label("Body", exact=True).fill("Dear {{ case.nmae }}")
    page.get_by_role("button", name="Save changes").click()
    assert page.locator("#body-error").is_visible()
    problems += serious(axe, page, "appeal form with a template error")
    page.get_by_label("Body", exact=True).fill("Hello {{ case.name }}")
    page.get_by_role("button", name="Preview without saving").click()
    # Values are bidi-isolated (FSI ... PDI, invisible), as in the PDF.
    preview = page.locator(".letter-preview").inner_text()
    assert "Hello Tran Thi Nga" in preview.translate({0x2068: None, 0x2069: None})
    problems += serious(axe, page, "appeal form with a preview")
    assert problems == []
