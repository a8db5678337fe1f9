"""Errors no page answers itself get the site's own page, in the reader's language.

Without these a mistyped address, a form sent the wrong way or a failure of the server showed
Werkzeug's bare English page, with no way back into the site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app

BARE = "The requested URL was not found on the server"


def test_an_unknown_address_gets_the_sites_page_not_found_in_the_readers_language(
    client: FlaskClient, db: Any
) -> None:
    response = client.get("/no-such-page?lang=fr")
    assert response.status_code == 404
    page = response.text
    assert BARE not in page
    assert '<html lang="fr"' in page and "Page introuvable" in page
    assert "Découvrez les personnes qui ont besoin de vos lettres" in page
    assert 'class="site-header"' in page  # the site's header, its menu and language switcher


def test_the_page_not_found_reads_right_to_left_in_arabic(client: FlaskClient, db: Any) -> None:
    arabic = client.get("/no-such-page?lang=ar")
    assert arabic.status_code == 404 and 'dir="rtl"' in arabic.text
    assert "لا يوجد شيء على هذا العنوان" in arabic.text


def test_a_case_that_is_not_published_reads_as_not_found_on_the_sites_page(
    client: FlaskClient, db: Any
) -> None:
    response = client.get("/cases/nobody-by-this-name?lang=es")
    assert response.status_code == 404
    assert "Conozca a las personas que necesitan sus cartas" in response.text


def test_a_page_sent_the_wrong_method_says_so_and_keeps_the_allow_header(
    client: FlaskClient, db: Any
) -> None:
    response = client.delete("/good-news")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "This page cannot be used that way" in response.text
    assert "Method Not Allowed" not in response.text


def test_under_staff_the_page_leads_back_to_the_dashboard(client: FlaskClient, db: Any) -> None:
    response = client.get("/staff/no-such-page")
    assert response.status_code == 404
    assert 'href="/staff"' in response.text


def test_the_api_keeps_its_json_errors(client: FlaskClient, db: Any) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.json["error"] == "Not found."


def test_a_failure_of_the_server_gets_a_calm_page_and_no_trace(
    fresh_database: str, tmp_path: Path
) -> None:
    app: Flask = make_app(fresh_database, str(tmp_path), PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken-for-the-test")
    def broken() -> str:
        raise RuntimeError("secret detail of the failure")

    response = app.test_client().get("/broken-for-the-test?lang=ar")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "حدث خطأ من جهتنا" in response.text and 'dir="rtl"' in response.text
