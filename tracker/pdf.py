"""HTML to PDF with WeasyPrint behind a deny-by-default URL fetcher, with limits and font checks.

The only URLs a document may load are the app's own packaged assets under ASSET_BASE;
`file:`, network, `data:` and every other URL is refused, however it is reached (stylesheet,
`@import`, `@font-face`, inline `url()`, images, objects, SVG images, attachments). The fetcher
never opens a connection, so redirects cannot lead anywhere. Attachments are stripped from
every document and a PDF that still carries an embedded file is refused.

A render runs under a time limit (SIGALRM in the main thread: gunicorn sync workers and CLI
commands) and a page limit checked after layout, before the PDF is written. WeasyPrint must
never run in threads of one process: a shared FontConfiguration corrupts memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.domain.messages import M_
from tracker.paths import STATIC_DIR
from tracker.pdf_fonts import lean_fonts

log = logging.getLogger(__name__)

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
DEFAULT_TIME_LIMIT = 20.0  # seconds; a one-page letter takes about 0.06
DEFAULT_MAX_PAGES = 6

# The font family the letter stylesheet names for each script, with a fontconfig language
# that needs it. WeasyPrint prints empty boxes when a script has no font, so we check.
SCRIPT_FONTS: dict[str, tuple[str, str]] = {
    "Latin with Vietnamese": ("vi", "Noto Serif"),
    "Cyrillic": ("ru", "Noto Serif"),
    "Arabic script (Persian)": ("fa", "Noto Naskh Arabic"),
    "Chinese, Simplified (CJK SC)": ("zh-cn", "Noto Serif CJK SC"),
    "Chinese, Traditional (CJK TC)": ("zh-tw", "Noto Serif CJK TC"),
    "Japanese (CJK JP)": ("ja", "Noto Serif CJK JP"),
    "Myanmar": ("my", "Noto Sans Myanmar"),
}


class RefusedURL(ValueError):
    """A document asked for a URL outside the packaged assets."""


class RenderRefused(Exception):
    """A document broke a render limit (time, pages) or carried forbidden content."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so no `except Exception` in a renderer swallows it."""


class _TooManyPages(BaseException):
    """Raised from WeasyPrint's progress log as soon as layout starts a page over the limit."""


class _PageLimit(logging.Handler):
    """Stops a layout at the first page over the limit: a 400-page body costs 5 pages, not 400."""

    def __init__(self, max_pages: int) -> None:
        super().__init__(logging.INFO)
        self.max_pages = max_pages

    def emit(self, record: logging.LogRecord) -> None:
        page = record.args[0] if isinstance(record.args, tuple) and record.args else 0
        if record.msg == "Step 5 - Creating layout - Page %d" and int(page) > self.max_pages:
            raise _TooManyPages


class AssetFetcher(URLFetcher):
    """Serve files below the static folder for ASSET_BASE URLs; refuse everything else."""

    def __init__(
        self, root: Path = STATIC_DIR, files: Mapping[str, tuple[bytes, str]] | None = None
    ) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.root = root.resolve()
        # In-memory files the caller vetted (e.g. consented photos), by path under ASSET_BASE.
        self.files = dict(files or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(ASSET_BASE) or any(c in url for c in "?#%\\"):
            raise RefusedURL(f"refused URL: {url[:200]}")
        relative = url[len(ASSET_BASE) :]
        if relative in self.files:
            body, mime = self.files[relative]
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused URL: {url[:200]}")
        mime = MIME_TYPES.get(path.suffix.lower())
        if mime is None:
            raise RefusedURL(f"refused URL: {url[:200]}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:
        # urllib's opener entry point: never used to reach the network.
        raise RefusedURL("refused: direct open")


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One FontConfiguration per process (never share it between threads).

    Made by the first PDF of the process, which is also when a missing letter font is worth a
    warning: never at import or app start, where `fc-list` would slow every command.
    """
    warn_about_missing_fonts()
    return FontConfiguration()


@lru_cache(maxsize=32)
def stylesheet(relative_path: str) -> CSS:
    """A packaged stylesheet, parsed once per process."""
    return CSS(
        url=ASSET_BASE + relative_path, url_fetcher=AssetFetcher(), font_config=font_config()
    )


@lru_cache(maxsize=1)
def missing_script_fonts() -> tuple[str, ...]:
    """Scripts of letters whose declared font fontconfig cannot find (empty when all is well)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return tuple(SCRIPT_FONTS)
    missing = []
    for script, (lang, family) in SCRIPT_FONTS.items():
        out = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
            [fc_list, f":lang={lang}", "family"], capture_output=True, text=True, check=False
        ).stdout
        families = {name.strip() for line in out.splitlines() for name in line.split(",")}
        if family not in families:
            missing.append(f"{script}: font '{family}' (fc-list :lang={lang})")
    return tuple(missing)


def warn_about_missing_fonts() -> None:
    """Log loudly, once per process, when a letter script has no font."""
    for problem in missing_script_fonts():
        log.warning(
            "No font for %s; letters in this script would print empty boxes. "
            "Install fonts-noto-core and fonts-noto-cjk.",
            problem,
        )


_RENDERER_PACKAGES = tuple(
    f"{os.sep}{name}{os.sep}"
    for name in (
        "weasyprint",
        "tinycss2",
        "cssselect2",
        "pydyf",
        "tinyhtml5",
        "fontTools",
    )
)


def _in_renderer(filename: str) -> bool:
    return any(part in filename for part in _RENDERER_PACKAGES) and not filename.endswith(
        ("weakref.py", "_weakrefset.py")
    )


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RenderRefused when the block runs longer than `seconds` (main thread only)."""
    usable = (
        seconds
        and threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        # Raise only inside the renderer's own code: an exception raised inside a weakref
        # or GC callback (SQLAlchemy's, the standard library's, ...) is only printed, never
        # propagated. Anywhere else, wait for the next tick.
        if frame is None or not _in_renderer(frame.f_code.co_filename):
            return
        raise _Expired

    previous = signal.signal(signal.SIGALRM, _expired)
    # Fire again every 50 ms: an alarm landing in a weakref callback is only printed.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    except _Expired:
        raise RenderRefused(
            M_(
                "The document took longer than %(seconds)s seconds to lay out.",
                seconds=format(seconds, "g"),
            )
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _strip_attachments(document: Document) -> None:
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def layout(
    html: str,
    stylesheets: Sequence[str] = (),
    *,
    pdf_tags: bool = True,
    max_pages: int = DEFAULT_MAX_PAGES,
    files: Mapping[str, tuple[bytes, str]] | None = None,
    **options: Any,
) -> Document:
    """Lay out trusted-template HTML; refuse documents longer than `max_pages`, early."""
    progress = logging.getLogger("weasyprint.progress")
    guard = _PageLimit(max_pages)
    old_level, old_propagate = progress.level, progress.propagate
    progress.addHandler(guard)
    if not progress.isEnabledFor(logging.INFO):
        # Progress records are for our handlers only, never for the application's log.
        progress.setLevel(logging.INFO)
        progress.propagate = False
    try:
        fetcher = AssetFetcher(files=files)
        document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher).render(
            stylesheets=[stylesheet(s) for s in stylesheets],
            font_config=font_config(),
            presentational_hints=False,
            pdf_tags=pdf_tags,
            **options,
        )
    except _TooManyPages:
        raise RenderRefused(
            M_(
                "The document has more than %(most)s pages; at most %(most)s are allowed.",
                most=max_pages,
            )
        ) from None
    finally:
        progress.removeHandler(guard)
        progress.setLevel(old_level)
        progress.propagate = old_propagate
    if len(document.pages) > max_pages:
        raise RenderRefused(
            M_(
                "The document has %(pages)s pages; at most %(most)s are allowed.",
                pages=len(document.pages),
                most=max_pages,
            )
        )
    _strip_attachments(document)
    return document


def write(document: Document, *, pdf_tags: bool = True) -> bytes:
    """Write a laid-out document (fonts embedded by pdf_fonts); refuse it if it embeds a file."""
    with lean_fonts():
        data: bytes = document.write_pdf(pdf_tags=pdf_tags, presentational_hints=False)
    if b"/EmbeddedFile" in data:
        raise RenderRefused(M_("The document tried to embed a file."))
    return data


@lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Hand freed heap pages back to the system after a render.

    A layout allocates and frees tens of megabytes of small objects; glibc keeps the freed
    arenas, so without this a worker's resident size creeps up render after render. The laid-out
    document holds reference cycles, so most of it is freed by the cycle collector, not when its
    last reference goes: collect the young generations first (the document is young; the
    long-lived heap of modules is not walked, so it is cheap), then trim. With the collection a
    worker holds 96 MB after 400 letters instead of 101 MB (docs/performance.md).
    """
    gc.collect(1)
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def freeze_heap() -> None:
    """Leave the objects this process holds now out of every later garbage collection.

    For a process that lays out document after document (a pack's chunk processes): its
    modules, caches and fonts live as long as it does, and a full collection walked all of them
    (about 300,000 objects) several times per document (docs/performance.md, "Where the
    per-letter cost grew").
    """
    gc.freeze()


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block; one collection of what it left after.

    Only for a process that does nothing else meanwhile (a pack's chunk process): the switch is
    the whole process's. A chunk's layout made about 700 young and 5 full collections, a fifth
    of its CPU time, and the full ones grew slower chunk after chunk in a long-lived process
    (1.05 s on a fresh process's 100-letter chunk, 1.73 s by its eighth) with the same number of
    objects, so a 5,000-letter pack paid more per letter than a 500-letter one. Paused, a chunk
    costs one collection (0.2 to 0.4 s) and about 2 MB more at its peak: the laid-out document
    is live until it is written, hardly any of it is garbage before. What survives the
    collection (fonts and caches the process keeps) is frozen, so the next chunk's collection
    does not walk it again.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        release_memory()
        freeze_heap()


def render_pdf(
    html: str,
    stylesheets: Sequence[str] = (),
    *,
    pdf_tags: bool = True,
    max_pages: int = DEFAULT_MAX_PAGES,
    seconds: float | None = DEFAULT_TIME_LIMIT,
    files: Mapping[str, tuple[bytes, str]] | None = None,
    **options: Any,
) -> bytes:
    """Render trusted-template HTML to PDF bytes within the limits; only assets load."""
    try:
        with time_limit(seconds):
            return write(
                layout(
                    html,
                    stylesheets,
                    pdf_tags=pdf_tags,
                    max_pages=max_pages,
                    files=files,
                    **options,
                ),
                pdf_tags=pdf_tags,
            )
    finally:
        # The laid-out document is garbage by now: give its memory back to the system.
        release_memory()
