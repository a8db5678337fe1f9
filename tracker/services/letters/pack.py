"""A campaign pack: every active appeal of a campaign in one PDF, laid out in worker processes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from queue import Empty
from typing import Any

from tracker.pdf import RenderRefused, layout, write
from tracker.services.letters.compose import (
    MAX_LETTER_PAGES,
    LetterError,
    document_html,
    letter_context,
    stylesheets,
)
from tracker.services.publishing.objects import AppealCard

log = logging.getLogger(__name__)

PACK_CHUNK = 100  # letters per document: keeps every process under 300 MB


def render_pack(
    cards: Sequence[AppealCard],
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    title: str,
    on_page: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> bytes:
    """Every letter in as few documents as possible, laid out in parallel worker processes.

    Each chunk is one document with page breaks (fonts and the logo embedded once per chunk);
    the chunks are rendered in processes (never threads) and joined with pypdf. They are forked
    from a single-threaded fork server, never from this process: a worker has threads of its
    own (a job's heartbeat, the database pool's) whose locks a plain fork could copy held,
    leaving the child waiting forever (seen as a pack job stuck in "running").
    """
    letters = [letter_context(card, today=today, sender_mode="lines") for card in cards]
    if not letters:
        raise LetterError("There is no active appeal to print.")
    workers = max(1, min(workers or os.cpu_count() or 1, 4))
    # A multiple of `workers` chunks of equal size (at most PACK_CHUNK letters each), so no
    # worker is left with a last chunk while the others idle.
    rounds = -(-len(letters) // (workers * PACK_CHUNK))
    size = -(-len(letters) // (workers * rounds))
    chunks = [letters[i : i + size] for i in range(0, len(letters), size)]
    if len(chunks) == 1:
        return _render_chunk(chunks[0], paper, title, organisation, on_page)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # WeasyPrint is imported once, by the server
    queue = context.Queue()
    with context.Pool(min(workers, len(chunks)), _init_worker, (queue,)) as pool:
        pending = pool.map_async(_chunk_worker, [(c, paper, title, organisation) for c in chunks])
        done = 0
        while not pending.ready() or not queue.empty():
            try:
                queue.get(timeout=0.1)
            except Empty:
                continue
            done += 1
            if on_page:
                on_page(done)
        parts = pending.get()
    from pypdf import PdfReader, PdfWriter

    started = time.perf_counter()
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": title, "/Author": organisation})
    out = io.BytesIO()
    writer.write(out)
    log.info("pack: %d chunks joined in %.2f s", len(parts), time.perf_counter() - started)
    return out.getvalue()


_progress_queue: Any = None


def _init_worker(queue: Any) -> None:
    global _progress_queue
    _progress_queue = queue


def _chunk_worker(args: tuple[list[dict[str, Any]], str, str, str]) -> bytes:
    letters, paper, title, organisation = args
    return _render_chunk(letters, paper, title, organisation, lambda page: _progress_queue.put(1))


def _render_chunk(
    letters: list[dict[str, Any]],
    paper: str,
    title: str,
    organisation: str,
    on_page: Callable[[int], None] | None,
) -> bytes:
    html = document_html(letters, title=title, organisation=organisation)
    handler = _PageProgress(on_page) if on_page else None
    progress_log = logging.getLogger("weasyprint.progress")
    old_level = progress_log.level
    if handler:
        progress_log.addHandler(handler)
        progress_log.setLevel(logging.INFO)
    try:
        # A printed pack is not read on screen: no tags, which halves its size.
        document = layout(
            html,
            stylesheets(paper, "css/letter-pack.css"),
            max_pages=MAX_LETTER_PAGES * len(letters),
            pdf_tags=False,
        )
        return write(document, pdf_tags=False)
    except RenderRefused as exc:
        raise LetterError(f"The pack cannot be printed: {exc.message}") from None
    finally:
        if handler:
            progress_log.removeHandler(handler)
            progress_log.setLevel(old_level)


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" progress messages into a callback."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if record.msg == "Step 5 - Creating layout - Page %d" and isinstance(args, tuple):
            page = args[0] if args else None
            if isinstance(page, int):
                self.on_page(page)
