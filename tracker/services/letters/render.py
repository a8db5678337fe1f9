"""Render appeal letters (plain, personalised, campaign packs) from public data only.

A plain letter is cached on disk, keyed by everything that changes its bytes. A personalised
letter reuses a cached "base" render whose sender block is empty and stamps only the sender
block on its first page: the letter itself is laid out once for every supporter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from queue import Empty
from typing import Any
from urllib.parse import quote

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tracker.domain.dates import format_partial_date
from tracker.domain.placeholders import PlaceholderError, build_context, render_letter_text
from tracker.domain.text import slugify
from tracker.paths import STATIC_DIR, TEMPLATES_DIR
from tracker.pdf import RenderRefused, layout, render_pdf, write
from tracker.services.pdf_cache import CachedFile, cache_key, get_or_render
from tracker.services.publishing.letter_state import AppealState
from tracker.services.publishing.objects import AppealCard, PublicCase

log = logging.getLogger(__name__)

PAPERS = ("a4", "letter")
LETTER_STYLES = ("css/letter.css",)
MAX_LETTER_PAGES = 4
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"})
MAX_SENDER_NAME = 120
MAX_SENDER_ADDRESS = 400
MAX_SENDER_LINES = 5

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sender": "Sender",
        "your_name": "Your name",
        "your_address": "Your address",
        "to": "Addressee",
        "closing": "Yours sincerely,",
        "signature": "Signature",
        "copies": "Copies to",
    },
    "fa": {
        "sender": "فرستنده",
        "your_name": "نام شما",
        "your_address": "نشانی شما",
        "to": "گیرنده",
        "closing": "با احترام،",
        "signature": "امضا",
        "copies": "رونوشت",
    },
    "zh": {
        "sender": "寄信人",
        "your_name": "您的姓名",
        "your_address": "您的地址",
        "to": "收信人",
        "closing": "此致敬礼",
        "signature": "签名",
        "copies": "抄送",
    },
    "vi": {
        "sender": "Người gửi",
        "your_name": "Tên của bạn",
        "your_address": "Địa chỉ của bạn",
        "to": "Người nhận",
        "closing": "Trân trọng,",
        "signature": "Chữ ký",
        "copies": "Đồng gửi",
    },
}


class LetterError(Exception):
    """A letter that cannot be rendered; the message is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Supporter:
    """The sender typed into the personalisation form; used for one PDF, never stored."""

    name: str
    address: str

    @classmethod
    def from_form(cls, name: str, address: str) -> Supporter:
        """Trim and bound what a supporter typed; raise LetterError when unusable."""
        name = " ".join((name or "").split())
        lines = [" ".join(line.split()) for line in (address or "").splitlines()]
        lines = [line for line in lines if line]
        if not name:
            raise LetterError("Please give your name.")
        if len(name) > MAX_SENDER_NAME or sum(map(len, lines)) > MAX_SENDER_ADDRESS:
            raise LetterError("Your name or address is too long for the sender block.")
        if len(lines) > MAX_SENDER_LINES:
            raise LetterError(f"Use at most {MAX_SENDER_LINES} address lines.")
        return cls(name, "\n".join(lines))


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@lru_cache(maxsize=1)
def template_version() -> str:
    """A hash of the letter templates, stylesheets, logo and renderer: part of every cache key."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    files = (
        sorted((TEMPLATES_DIR / "letters").glob("*.html"))
        + sorted((STATIC_DIR / "css").glob("letter*.css"))
        + [STATIC_DIR / "img" / "logo.svg"]
    )
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def language_parts(tag: str) -> tuple[str, str, str]:
    """(lang, dir, label language) for a BCP 47 tag: `fa` is right to left."""
    primary = (tag or "en").split("-")[0].lower()
    direction = "rtl" if primary in RTL_LANGUAGES else "ltr"
    return tag or "en", direction, primary if primary in LABELS else "en"


def _paragraphs(text: Markup) -> Markup:
    # `text` is fully escaped already; only our own <p> and <br> are added.
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return Markup("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))  # noqa: S704


def _letter(
    card: AppealCard,
    *,
    today: dt.date,
    sender_mode: str,
    supporter: Supporter | None = None,
    stamp: bool = False,
) -> dict[str, Any]:
    case, appeal = card.case, card.appeal
    lang, direction, labels = language_parts(appeal.language)
    context = build_context(
        case=case.placeholder_values(today),
        addressee=appeal.addressee.placeholder_values() if appeal.addressee else None,
        supporter_name=supporter.name if supporter else "",
        supporter_address=supporter.address if supporter else "",
        today=today,
        format_date=lambda d: format_partial_date(d, locale=appeal.language),
    )
    letter: dict[str, Any] = {
        "lang": lang,
        "dir": direction,
        "labels": LABELS[labels],
        "stamp": stamp,
        "sender_mode": sender_mode,
        "supporter_name": supporter.name if supporter else "",
        "supporter_address_lines": supporter.address.splitlines() if supporter else [],
    }
    if stamp:
        return letter
    try:
        subject = render_letter_text(appeal.subject, context)
        body = _paragraphs(render_letter_text(appeal.body, context))
    except PlaceholderError as exc:
        raise LetterError(f"The letter cannot be filled in: {exc}") from None
    letter.update(
        addressee=appeal.addressee,
        copies=appeal.copies_to,
        today=context["today"],
        subject=subject,
        body=body,
        asks=list(appeal.asks),
        salutation=appeal.addressee.salutation if appeal.addressee else "",
    )
    return letter


def letter_title(case: PublicCase) -> str:
    """The PDF title of a person's letter."""
    return f"Letter for {case.name}"


def document_html(letters: Sequence[dict[str, Any]], *, title: str, organisation: str) -> str:
    """The HTML of one or more letters (a pack is one document: fonts are embedded once)."""
    first = letters[0] if letters else {"lang": "en", "dir": "ltr"}
    return (
        _jinja()
        .get_template("letters/document.html")
        .render(
            letters=letters,
            title=title,
            organisation=organisation,
            doc_lang=first["lang"],
            doc_dir=first["dir"],
            letter=None,
        )
    )


def _styles(paper: str, *extra: str) -> list[str]:
    if paper not in PAPERS:
        raise LetterError("Choose A4 or Letter paper.")
    return [*LETTER_STYLES, f"css/letter-{paper}.css", *extra]


def letter_html(
    card: AppealCard,
    *,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    supporter: Supporter | None = None,
) -> str:
    """The HTML of one letter: sender `lines` to fill by hand, `blank` space, or `filled`."""
    letter = _letter(card, today=today, sender_mode=sender_mode, supporter=supporter)
    return document_html([letter], title=letter_title(card.case), organisation=organisation)


def render_letter(
    card: AppealCard,
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
    supporter: Supporter | None = None,
) -> bytes:
    """Render one letter to PDF bytes (no cache)."""
    html = letter_html(
        card, today=today, organisation=organisation, sender_mode=sender_mode, supporter=supporter
    )
    try:
        return render_pdf(html, _styles(paper), max_pages=MAX_LETTER_PAGES)
    except RenderRefused as exc:
        raise LetterError(f"This letter cannot be printed: {exc.message}") from None


def letter_key(
    state: AppealState, *, paper: str, today: dt.date, variant: str, organisation: str
) -> str:
    """The cache key: the versions of everything printed, paper, day, template and stylesheets."""
    return cache_key(
        "letter",
        template_version(),
        variant,
        paper,
        today.isoformat(),
        organisation,
        state.appeal_id,
        state.versions,
    )


def cached_letter(
    cache_dir: str | Path,
    state: AppealState,
    load: Callable[[], AppealCard],
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    sender_mode: str = "lines",
) -> CachedFile:
    """The plain (`lines`) or base (`blank`) letter from the disk cache, rendered when missing.

    `state` comes from one small query; the full public data is loaded only to render.
    """
    if paper not in PAPERS:
        raise LetterError("Choose A4 or Letter paper.")
    key = letter_key(
        state, paper=paper, today=today, variant=sender_mode, organisation=organisation
    )
    return get_or_render(
        cache_dir,
        key,
        lambda: render_letter(
            load(), paper=paper, today=today, organisation=organisation, sender_mode=sender_mode
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
        )
    base = cached_letter(
        cache_dir,
        state,
        lambda: card,
        paper=paper,
        today=today,
        organisation=organisation,
        sender_mode="blank",
    )
    return stamp_sender(
        base.path.read_bytes(), card, supporter, paper=paper, today=today, organisation=organisation
    )


def stamp_sender(
    base_pdf: bytes,
    card: AppealCard,
    supporter: Supporter,
    *,
    paper: str,
    today: dt.date,
    organisation: str,
) -> bytes:
    """Lay out only the sender block, at its place in the letter, and merge it onto page 1."""
    letter = _letter(card, today=today, sender_mode="filled", supporter=supporter, stamp=True)
    html = document_html([letter], title=letter_title(card.case), organisation=organisation)
    try:
        stamp_pdf = render_pdf(
            html, _styles(paper, "css/letter-stamp.css"), pdf_tags=False, max_pages=1, seconds=5
        )
    except RenderRefused as exc:
        raise LetterError(f"The sender block cannot be printed: {exc.message}") from None
    from pypdf import PdfReader, PdfWriter  # only here and in packs: ~10 MB a worker can spare

    writer = PdfWriter(io.BytesIO(base_pdf), incremental=True)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(stamp_pdf)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    the chunks are rendered in forked processes (never threads) and joined with pypdf.
    """
    letters = [_letter(card, today=today, sender_mode="lines") for card in cards]
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
    context = multiprocessing.get_context("fork")
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
            _styles(paper, "css/letter-pack.css"),
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
        if record.msg == "Step 5 - Creating layout - Page %d" and record.args:
            self.on_page(int(record.args[0]))  # type: ignore[index]


def content_disposition(name: str, appeal_id: int, paper: str) -> str:
    """A Content-Disposition header from the person's name: ASCII-safe filename and filename*."""
    ascii_name = f"letter-{slugify(name)}-{appeal_id}-{paper}.pdf"
    unicode_name = quote(f"Letter for {name} ({appeal_id}, {paper}).pdf", safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{unicode_name}"
