"""One letter as a PDF: the plain letter (cached on disk) and the personalised one.

A plain letter is cached on disk, keyed by everything that changes its bytes. A personalised
letter reuses a cached "base" render whose sender block is empty and stamps only the sender
block on its first page: the letter itself is laid out once for every supporter.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from weasyprint import Document

from tracker.domain.messages import M_
from tracker.domain.text import slugify
from tracker.domain.vocabulary import AppealKind
from tracker.pdf import RenderRefused, layout, release_memory, render_pdf, time_limit, write
from tracker.services.letters.compose import (
    LETTER_SECONDS,
    MAX_GUIDANCE_PAGES,
    MAX_LETTER_PAGES,
    PAPERS,
    LetterError,
    Supporter,
    document_html,
    letter_context,
    letter_documents,
    letter_title,
    stylesheets,
    template_version,
    too_many_pages_message,
)
from tracker.services.letters.words import catalog_name
from tracker.services.pdf_cache import CachedFile, cache_key, get_or_render
from tracker.services.publishing.letter_state import AppealState
from tracker.services.publishing.objects import AppealCard

if TYPE_CHECKING:
    from tracker.services.letters.stamp import BaseLetters


def render_letter(
    card: AppealCard,
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    supporter: Supporter | None = None,
    reader: str = "en",
) -> bytes:
    """Render one letter to PDF bytes (no cache), a solidarity letter's guidance page after it.

    The letter is held to MAX_LETTER_PAGES on its own; the guidance page (in the `reader`'s
    language) is laid out apart and appended, so a four-page letter keeps its guidance page.
    """
    html, guidance = letter_documents(
        card,
        today=today,
        organisation=organisation,
        sender_mode=sender_mode,
        supporter=supporter,
        reader=reader,
    )
    try:
        with time_limit(LETTER_SECONDS):
            return _written(html, guidance, paper)
    except RenderRefused as exc:
        raise LetterError(
            M_("This letter cannot be printed: %(problem)s", problem=exc.message)
        ) from None
    finally:
        release_memory()


def _written(html: str, guidance: str | None, paper: str) -> bytes:
    """The letter laid out (with its guidance page) and written. Its own frame, so that the
    documents are unreferenced when release_memory runs: held by a local of render_letter,
    a letter was freed only by a later collection, after the trim, and a worker grew by
    7 MB over 400 letters (docs/performance.md, "Letters")."""
    document = _laid_out(html, paper)
    if guidance is not None:
        extra = _laid_out(guidance, paper, guidance=True)
        document = document.copy([*document.pages, *extra.pages])
    return write(document)


def _laid_out(html: str, paper: str, *, guidance: bool = False) -> Document:
    if guidance:
        return layout(html, stylesheets(paper), max_pages=MAX_GUIDANCE_PAGES)
    try:
        return layout(html, stylesheets(paper), max_pages=MAX_LETTER_PAGES)
    except RenderRefused:
        raise LetterError(too_many_pages_message()) from None


def letter_key(
    state: AppealState,
    *,
    paper: str,
    today: dt.date,
    variant: str,
    organisation: str,
    daily: bool = False,
    reader: str | None = None,
) -> str:
    """The cache key: the versions of everything printed, paper, template and stylesheets.

    The day is in the key only for a text that changes with it (`daily`: it uses `today` or
    `case.days_detained`). A cached letter carries no date of its own: the plain letter leaves
    a "Date" line to fill by hand beside the sender lines, and a personalised letter gets the
    date stamped with its sender block. So the cache does not grow by a copy of every letter
    each day; what it keeps is bounded by pdf_cache's size and age limits.

    `reader` is the language of the guidance page a solidarity letter carries: in the key, so
    a copy printed for a French reader is never served to an Arabic one. An appeal to an
    official has no guidance page and one copy for every reader (`reader` is then ignored).
    """
    return cache_key(
        "letter",
        template_version(),
        variant,
        paper,
        today.isoformat() if daily else None,
        organisation,
        state.appeal_id,
        state.versions,
        guidance_language(state, reader),
    )


def guidance_language(state: AppealState, reader: str | None) -> str | None:
    """The catalog the guidance page of this letter is printed in; None when it has none."""
    if state.kind != AppealKind.SOLIDARITY:
        return None
    return catalog_name(reader or "en")


def cached_letter(
    cache_dir: str | Path,
    state: AppealState,
    load: Callable[[], AppealCard],
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    reader: str = "en",
) -> CachedFile:
    """The plain (`lines`) or base (`blank`) letter from the disk cache, rendered when missing.

    `state` comes from one small query; the full public data is loaded only to render.
    """
    if paper not in PAPERS:
        raise LetterError(M_("Choose A4 or Letter paper."))
    key = letter_key(
        state,
        paper=paper,
        today=today,
        variant=sender_mode,
        organisation=organisation,
        daily=state.daily,
        reader=reader,
    )
    return get_or_render(
        cache_dir,
        key,
        lambda: render_letter(
            load(),
            paper=paper,
            today=today,
            organisation=organisation,
            sender_mode=sender_mode,
            reader=reader,
        ),
    )


def personalised_letter(
    cache_dir: str | Path,
    state: AppealState,
    card: AppealCard,
    supporter: Supporter,
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    reader: str = "en",
) -> bytes:
    """A letter with the supporter as sender: the cached base letter plus a stamped sender block."""
    if "supporter" in card.appeal.body or "supporter" in card.appeal.subject:
        # The text itself names the sender: it must be laid out for this supporter.
        return render_letter(
            card,
            paper=paper,
            today=today,
            organisation=organisation,
            sender_mode="filled",
            supporter=supporter,
            reader=reader,
        )
    base = cached_letter(
        cache_dir,
        state,
        lambda: card,
        paper=paper,
        today=today,
        organisation=organisation,
        sender_mode="blank",
        reader=reader,
    )
    return stamp_sender(
        base.data,
        card,
        supporter,
        paper=paper,
        today=today,
        organisation=organisation,
        base_key=base.etag,
    )


def stamp_sender(
    base_pdf: bytes,
    card: AppealCard,
    supporter: Supporter,
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    base_key: str | None = None,
) -> bytes:
    """Lay out only the sender block, at its place in the letter, and lay it over page 1.

    With `base_key` (the base letter's cache key) the base is read once per process.
    """
    letter = letter_context(
        card, today=today, sender_mode="filled", supporter=supporter, stamp=True
    )
    title = letter_title(card.case, letter["lang"])
    html = document_html([letter], title=title, organisation=organisation)
    try:
        stamp_pdf = render_pdf(
            html, stylesheets(paper, "css/letter-stamp.css"), pdf_tags=False, max_pages=1, seconds=5
        )
    except RenderRefused as exc:
        raise LetterError(
            M_("The sender block cannot be printed: %(problem)s", problem=exc.message)
        ) from None
    # Imported here: the stamp is written with pypdf, which (with the cryptography it loads)
    # costs ~10 MB that a process rendering only plain letters does not pay.
    from tracker.services.letters.stamp import read_base, stamped

    base = _bases().get(base_key, lambda: base_pdf) if base_key is not None else read_base(base_pdf)
    if base is not None and base.data == base_pdf:
        return stamped(base, stamp_pdf)
    # Not a PDF with a cross-reference stream (not written by our renderer): pypdf merges.
    from pypdf import PdfReader, PdfWriter  # only here and in packs: ~10 MB a worker can spare

    writer = PdfWriter(io.BytesIO(base_pdf), incremental=True)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(stamp_pdf)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _bases() -> BaseLetters:
    """Base letters read in this process, by cache key: a campaign day stamps a few dozen
    letters (made with the first personalised letter; see stamp_sender)."""
    from tracker.services.letters.stamp import BaseLetters

    return BaseLetters()


def content_disposition(name: str, appeal_id: int, paper: str) -> str:
    """A Content-Disposition header from the person's name: ASCII-safe filename and filename*."""
    ascii_name = f"letter-{slugify(name)}-{appeal_id}-{paper}.pdf"
    unicode_name = quote(f"Letter for {name} ({appeal_id}, {paper}).pdf", safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{unicode_name}"
