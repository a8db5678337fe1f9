"""HTML to PDF with WeasyPrint behind a deny-by-default URL fetcher.

The only URLs a document may load are the app's own packaged assets under ASSET_BASE;
`file:`, network, data and every other URL is refused, however it is reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.paths import STATIC_DIR

ASSET_BASE = "https://assets.tracker.invalid/"
MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedURL(ValueError):
    """A document asked for a URL outside the packaged assets."""


class AssetFetcher(URLFetcher):
    """Serve files below the static folder for ASSET_BASE URLs; refuse everything else."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(ASSET_BASE) or "?" in url or "#" in url or "%" in url:
            raise RefusedURL(f"refused URL: {url[:200]}")
        relative = url[len(ASSET_BASE):]
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused URL: {url[:200]}")
        mime = MIME_TYPES.get(path.suffix.lower())
        if mime is None:
            raise RefusedURL(f"refused URL: {url[:200]}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One FontConfiguration per process (never share it between threads)."""
    return FontConfiguration()


@lru_cache(maxsize=32)
def stylesheet(relative_path: str) -> CSS:
    """A packaged stylesheet, parsed once per process."""
    return CSS(
        url=ASSET_BASE + relative_path, url_fetcher=AssetFetcher(), font_config=font_config()
    )


def render_pdf(
    html: str,
    stylesheets: Sequence[str] = (),
    *,
    pdf_tags: bool = True,
    **options: Any,
) -> bytes:
    """Render trusted-template HTML to PDF bytes; only packaged assets can be loaded."""
    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=AssetFetcher())
    return document.write_pdf(
        stylesheets=[stylesheet(s) for s in stylesheets],
        font_config=font_config(),
        presentational_hints=False,
        pdf_tags=pdf_tags,
        **options,
    )
