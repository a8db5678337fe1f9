"""Finding 14: /api/v1/docs (RapiDoc, vendored) renders its operations under the app's CSP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e


def test_finding_14_api_docs_render_with_no_csp_violation(
    live_server: LiveServer, page: Any
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response is not None and response.status == 200
    # RapiDoc draws into its shadow DOM; Playwright's locators pierce it.
    page.get_by_text("/api/v1/cases/{case_id}/history", exact=False).first.wait_for()
    operations = page.locator("rapi-doc .expanded-endpoint-body")
    assert operations.count() >= 10
    # Styled, not raw: RapiDoc's own (inline) styles applied.
    assert (
        page.locator("rapi-doc .m-btn").first.evaluate("el => getComputedStyle(el).cursor")
        == "pointer"
    )
    page.wait_for_timeout(500)
    assert [m for m in console if m.startswith("error")] == []
    assert all(url.startswith(live_server.url) for url in requests), requests
