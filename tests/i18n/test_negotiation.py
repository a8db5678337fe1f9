"""Which language a page speaks: ?lang= (remembered in a cookie), Accept-Language, the default."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app


def _html_tag(client: FlaskClient, url: str, **kwargs: Any) -> tuple[str, str]:
    page = client.get(url, **kwargs).get_data(as_text=True)
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page)
    assert match, page[:300]
    return match.group(1), match.group(2)


def test_english_without_any_preference(client: FlaskClient) -> None:
    assert _html_tag(client, "/") == ("en", "ltr")


def test_accept_language_fr_gives_a_french_page(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"})
    page = response.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert "Aller au contenu" in page
    assert "Skip to content" not in page
    assert "Accept-Language" in response.headers["Vary"]


def test_lang_ar_sets_the_cookie_and_right_to_left(client: FlaskClient) -> None:
    response = client.get("/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ar;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The next page, without ?lang, remembers the choice over the browser's language.
    assert _html_tag(client, "/good-news", headers={"Accept-Language": "es"}) == ("ar", "rtl")


def test_unknown_lang_is_ignored(client: FlaskClient) -> None:
    response = client.get("/?lang=xx", headers={"Accept-Language": "es"})
    assert '<html lang="es" dir="ltr">' in response.get_data(as_text=True)
    assert "lang=" not in response.headers.get("Set-Cookie", "")
    for hostile in ("../../etc", "ar;domain=evil", "a" * 300, ""):
        response = client.get(
            "/", query_string={"lang": hostile}, headers={"Accept-Language": "es"}
        )
        assert '<html lang="es" dir="ltr">' in response.get_data(as_text=True)
        assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_region_and_case_of_a_tag_pick_the_shipped_language(client: FlaskClient) -> None:
    assert _html_tag(client, "/?lang=FR-ca") == ("fr", "ltr")


def test_unknown_cookie_is_ignored(client: FlaskClient) -> None:
    client.set_cookie("lang", "xx")
    assert _html_tag(client, "/", headers={"Accept-Language": "fr"}) == ("fr", "ltr")


def test_default_language_setting(database_url: str, tmp_path: Any) -> None:
    app: Flask = make_app(database_url, str(tmp_path), DEFAULT_LANGUAGE="es")
    client = app.test_client()
    assert _html_tag(client, "/", headers={"Accept-Language": "de"}) == ("es", "ltr")
    assert _html_tag(client, "/") == ("es", "ltr")


def test_switcher_links_keep_the_path_and_query(client: FlaskClient) -> None:
    page = client.get("/?country=VN&lang=fr").get_data(as_text=True)
    switcher = page[page.index('class="lang-switch"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = re.findall(
        r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+"( aria-current)?', switcher
    )
    assert [(href, tag) for href, tag, _ in links] == [
        ("?country=VN&amp;lang=en", "en"),
        ("?country=VN&amp;lang=fr", "fr"),
        ("?country=VN&amp;lang=es", "es"),
        ("?country=VN&amp;lang=ar", "ar"),
    ]
    assert [current for _, _, current in links] == ["", " aria-current", "", ""]
    assert "العربية" in switcher and "Français" in switcher


def test_language_switcher_is_no_open_redirect(client: FlaskClient) -> None:
    """Every switcher link is relative to the page itself: no scheme, no host, no path."""
    for url in (
        "/?next=//evil.example&lang=//evil.example",
        "/cases/evil.example?x=//evil.example",
    ):
        page = client.get(url).get_data(as_text=True)
        switcher = page[page.index('class="lang-switch"') :]
        hrefs = re.findall(r'href="([^"]+)"', switcher[: switcher.index("</nav>")])
        assert len(hrefs) == 4
        for href in hrefs:
            assert href.startswith("?"), href
