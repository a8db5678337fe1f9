"""A campaign pack: every active appeal of a campaign in one PDF, laid out in worker processes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from queue import Empty
from typing import Any

from tracker.domain.messages import M_
from tracker.pdf import RenderRefused, collection_paused, freeze_heap, layout, write
from tracker.services.letters.compose import (
    MAX_GUIDANCE_PAGES,
    MAX_LETTER_PAGES,
    LetterError,
    document_html,
    letter_context,
    stylesheets,
)
from tracker.services.publishing.objects import AppealCard

log = logging.getLogger(__name__)

PACK_CHUNK = 100  # letters per document: keeps every process under 300 MB


def chunk_sizes(count: int, workers: int) -> list[int]:
    """The number of letters in each chunk of a `count`-letter pack laid out by `workers`.

    A multiple of `workers` chunks of (nearly) equal size, at most PACK_CHUNK letters each,
    so no worker is left with a last chunk while the others idle.
    """
    rounds = -(-count // (workers * PACK_CHUNK))
    chunks = min(count, workers * rounds)
    return [count // chunks + (1 if i < count % chunks else 0) for i in range(chunks)]


def render_pack(
    cards: Sequence[AppealCard],
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    title: str,
    on_page: Callable[[int], None] | None = None,
    workers: int | None = None,
    reader: str = "en",
    before: Sequence[bytes] = (),
    after: Sequence[bytes] = (),
) -> bytes:
    """Every letter in as few documents as possible, laid out in parallel worker processes.

    `before` and `after` are PDFs joined in front of and after the letters in the same pass (an
    event pack's cover, briefs and tally sheet): the letters are never written out and read
    back to be joined again.

    A solidarity letter's guidance page follows it in `reader`'s language (the organisation's
    default language: a pack is read by whoever prints it for an event).

    Each chunk is one document with page breaks (fonts and the logo embedded once per chunk);
    the chunks are filled in and laid out in processes (never threads), and each is appended
    to the pack as soon as it and those before it are done, while the next ones are laid out:
    no chunk waits in memory for the last one, and no join of the whole pack is left for the
    end. The processes are forked from a single-threaded fork server, never from this process:
    a worker has threads of its own (a job's heartbeat, the database pool's) whose locks a
    plain fork could copy held, leaving the child waiting forever (a pack job stuck in
    "running").
    """
    if not cards:
        raise LetterError(M_("There is no active appeal to print."))
    workers = max(1, min(workers or os.cpu_count() or 1, 4))
    sizes = chunk_sizes(len(cards), workers)
    if len(sizes) == 1 and not before and not after:
        letters = [
            letter_context(card, today=today, sender_mode="lines", reader=reader) for card in cards
        ]
        return _render_chunk(letters, paper, title, organisation, on_page)
    jobs, start = [], 0
    for size in sizes:
        jobs.append((list(cards[start : start + size]), paper, today, title, organisation, reader))
        start += size
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    joining = 0.0
    for part in (*before, *rendered_chunks(jobs, workers, on_page), *after):
        began = time.perf_counter()
        writer.append(PdfReader(io.BytesIO(part)))
        joining += time.perf_counter() - began
    began = time.perf_counter()
    writer.add_metadata({"/Title": title, "/Author": organisation})
    out = io.BytesIO()
    writer.write(out)
    log.info(
        "pack: %d letters in %d chunks, joined in %.2f s",
        len(cards),
        len(jobs),
        joining + time.perf_counter() - began,
    )
    return out.getvalue()


def rendered_chunks(
    jobs: list[tuple[Any, ...]],
    workers: int,
    on_page: Callable[[int], None] | None,
    work: Callable[[Any], bytes] | None = None,
) -> Iterator[bytes]:
    """The PDF of each chunk, in order, as soon as it is laid out; pages reported on the way.

    `work` (a module-level function, run in the layout processes; a chunk of letters by
    default) turns one job into a PDF; it may report each page laid out with `page_laid_out`.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # WeasyPrint is imported once, by the server
    queue = context.Queue()
    done = 0

    def report() -> None:
        nonlocal done
        while True:
            try:
                queue.get_nowait()
            except Empty:
                return
            done += 1
            if on_page:
                on_page(done)

    with context.Pool(min(workers, len(jobs)), _init_worker, (queue,)) as pool:
        results = pool.imap(work or _chunk_worker, jobs)
        while True:
            try:
                part = results.next(timeout=0.1)
            except multiprocessing.TimeoutError:
                report()
                continue
            except StopIteration:
                break
            report()
            yield part
    report()


_progress_queue: Any = None


# Layout processes of a pack yield the CPU to the web server and the job's own process: a pack
# is background work, a caseworker's page is not.
LAYOUT_NICENESS = 10


def _init_worker(queue: Any) -> None:
    global _progress_queue
    _progress_queue = queue
    os.nice(LAYOUT_NICENESS)
    # What the process got from the fork server (WeasyPrint, the app's modules) lives as long
    # as it does: no garbage collection needs to walk it.
    freeze_heap()


def page_laid_out(page: int) -> None:
    """In a layout process: report one more page laid out to the job's process."""
    _progress_queue.put(1)


def _chunk_worker(args: tuple[list[AppealCard], str, dt.date, str, str, str]) -> bytes:
    cards, paper, today, title, organisation, reader = args
    # One garbage collection per chunk, after it, instead of hundreds during its layout; the
    # chunk's memory is given back before the next one (tracker.pdf.collection_paused).
    with collection_paused():
        # Filled in here, not in the job's process: the letters of every chunk are prepared
        # in parallel, and only the cards (not their letters) cross the pipe.
        letters = [
            letter_context(card, today=today, sender_mode="lines", reader=reader) for card in cards
        ]
        return _render_chunk(letters, paper, title, organisation, page_laid_out)


def _render_chunk(
    letters: list[dict[str, Any]],
    paper: str,
    title: str,
    organisation: str,
    on_page: Callable[[int], None] | None,
) -> bytes:
    html = document_html(letters, title=title, organisation=organisation, numbered=False)
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
            max_pages=_page_limit(letters),
            pdf_tags=False,
        )
        return write(document, pdf_tags=False)
    except RenderRefused as exc:
        raise LetterError(
            M_("The pack cannot be printed: %(reason)s", reason=exc.message)
        ) from None
    finally:
        if handler:
            progress_log.removeHandler(handler)
            progress_log.setLevel(old_level)


def _page_limit(letters: Sequence[dict[str, Any]]) -> int:
    """At most MAX_LETTER_PAGES per letter, and its guidance page(s) on top when it has one."""
    return sum(
        MAX_LETTER_PAGES + (MAX_GUIDANCE_PAGES if letter.get("guidance_words") else 0)
        for letter in letters
    )


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
