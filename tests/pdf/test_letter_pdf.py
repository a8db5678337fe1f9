"""Letters as PDFs: text extracted with pypdf, scripts, fonts, paper, metadata, limits, packs."""

from __future__ import annotations

import datetime as dt
import gc
import io
import weakref
from typing import Any

import pytest
from pypdf import PdfReader

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import User
from tracker.pdf import (
    RenderRefused,
    collection_paused,
    layout,
    missing_script_fonts,
    release_memory,
    render_pdf,
    write,
)
from tracker.services.letters.compose import LetterError, Supporter
from tracker.services.letters.pack import PACK_CHUNK, chunk_sizes, render_pack
from tracker.services.letters.render import personalised_letter, render_letter
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.letter_state import appeal_state
from tracker.services.publishing.objects import AppealCard

ORG = "Tracker Human Rights"


def card_for(db: Any, case: Any, appeal: Any) -> AppealCard:
    person, public_appeal = public_service.public_appeal(db, case.slug, appeal.id)
    return AppealCard(person, public_appeal)


@pytest.fixture
def nga(db: Any, caseworker: User) -> AppealCard:
    addressee = make_addressee(db, caseworker)
    copy = make_addressee(db, caseworker, name="Vo Van Thuong", position="President")
    case = make_case(db, caseworker, "VN-2017-TTN", "Tran Thi Nga", name_native="Trần Thị Nga")
    appeal = make_appeal(db, caseworker, case, addressee, copies_to=[copy.id])
    return card_for(db, case, appeal)


def test_plain_letter_prints_name_addressee_salutation_asks_and_blank_sender_lines(
    nga: AppealCard, today: dt.date
) -> None:
    text = pdf_text(render_letter(nga, paper="a4", today=today, organisation=ORG))
    assert "Release Tran Thi Nga" in text
    for line in (
        "H.E. Le Thanh Long",
        "Minister of Justice",
        "Ministry of Justice",
        "58-60 Tran Phu",
        "Ba Dinh, Hanoi",
        "Vietnam",
    ):
        assert line in text
    assert "Dear Minister," in text
    assert "held since January 2017" in text
    assert "Release her immediately and unconditionally" in text
    assert "Ensure she can see a lawyer" in text
    assert "Copies to" in text and "Vo Van Thuong" in text
    # The sender block has labelled blank lines and nobody's name.
    assert "Your name" in text and "Your address" in text


def test_personalised_letter_prints_supporter_name_and_address(
    db: Any, nga: AppealCard, today: dt.date, tmp_path: Any
) -> None:
    state = appeal_state(db, nga.case.slug, nga.appeal.id)
    supporter = Supporter.from_form("Jane Roe-Nguyễn", "12 High Street\nOxford OX1 2AB")
    data = personalised_letter(
        tmp_path, state, nga, supporter, paper="a4", today=today, organisation=ORG
    )
    text = pdf_text(data)
    assert "Jane Roe-Nguyễn" in text
    assert "12 High Street" in text and "Oxford OX1 2AB" in text
    assert "Your name" not in text
    assert "Dear Minister," in text and "Ensure she can see a lawyer" in text
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_supporter_placeholder_in_body_is_filled_for_that_supporter(
    db: Any, caseworker: User, today: dt.date, tmp_path: Any
) -> None:
    addressee = make_addressee(db, caseworker)
    case = make_case(db, caseworker, "VN-X", "Pham Doan Trang")
    appeal = make_appeal(
        db,
        caseworker,
        case,
        addressee,
        body="Signed by {{ supporter.name }} of {{ supporter.address }}.",
    )
    card = card_for(db, case, appeal)
    state = appeal_state(db, case.slug, appeal.id)
    data = personalised_letter(
        tmp_path,
        state,
        card,
        Supporter.from_form("Ana Lima", "Rua 1"),
        paper="a4",
        today=today,
        organisation=ORG,
    )
    assert "Signed by Ana Lima of Rua 1." in pdf_text(data)


def test_persian_letter_text_is_extracted_in_logical_order(
    db: Any, caseworker: User, today: dt.date
) -> None:
    addressee = make_addressee(db, caseworker, salutation="جناب آقای رئیس قوه قضاییه", country="IR")
    case = make_case(
        db, caseworker, "IR-2015-NM", "Narges Mohammadi", name_native="نرگس محمدی", country="IR"
    )
    appeal = make_appeal(
        db,
        caseworker,
        case,
        addressee,
        language="fa",
        body="{{ case.name_native }} باید فوراً آزاد شود",
        asks=["آزادی فوری"],
    )
    card = card_for(db, case, appeal)
    data = render_letter(card, paper="a4", today=today, organisation=ORG)
    text = pdf_text(data)
    assert "نرگس محمدی باید فوراً آزاد شود" in text
    assert "آزادی فوری" in text
    fonts = _font_names(data)
    assert any("Arabic" in f for f in fonts), fonts


def _font_names(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.append(str(font.get_object()["/BaseFont"]))
    return names


def test_chinese_letter_embeds_a_cjk_font(db: Any, caseworker: User, today: dt.date) -> None:
    addressee = make_addressee(db, caseworker, name="王毅", country="CN", salutation="尊敬的部长")
    case = make_case(
        db, caseworker, "CN-2015-WQZ", "Wang Quanzhang", name_native="王全璋", country="CN"
    )
    appeal = make_appeal(
        db,
        caseworker,
        case,
        addressee,
        language="zh-Hans",
        body="{{ case.name_native }}律师必须获释。",
        asks=["立即释放"],
    )
    data = render_letter(card_for(db, case, appeal), paper="a4", today=today, organisation=ORG)
    assert "王全璋律师必须获释。" in pdf_text(data)
    fonts = _font_names(data)
    assert any("CJK" in f for f in fonts), fonts
    reader = PdfReader(io.BytesIO(data))
    embedded = [
        f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for f in reader.pages[0]["/Resources"]["/Font"].values()
        if "CJK" in str(f.get_object()["/BaseFont"])
    ]
    assert embedded and all(
        any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in embedded
    )


def test_every_letter_script_has_a_font() -> None:
    # WeasyPrint prints empty boxes for a script without a font: a process warns at its first
    # PDF (tracker.pdf.warn_about_missing_fonts) and this test fails on a machine without them.
    assert missing_script_fonts() == ()


def test_us_letter_and_a4_paper(nga: AppealCard, today: dt.date) -> None:
    a4 = PdfReader(io.BytesIO(render_letter(nga, paper="a4", today=today, organisation=ORG)))
    us = PdfReader(io.BytesIO(render_letter(nga, paper="letter", today=today, organisation=ORG)))
    assert [round(float(x)) for x in a4.pages[0].mediabox[2:]] == [595, 842]
    assert [round(float(x)) for x in us.pages[0].mediabox[2:]] == [612, 792]
    with pytest.raises(LetterError):
        render_letter(nga, paper="legal", today=today, organisation=ORG)


def test_letter_is_tagged_with_title_author_and_language(nga: AppealCard, today: dt.date) -> None:
    reader = PdfReader(io.BytesIO(render_letter(nga, paper="a4", today=today, organisation=ORG)))
    assert reader.metadata.title == "Letter for Tran Thi Nga"
    assert reader.metadata.author == ORG
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]


def test_page_limit_refuses_a_long_document() -> None:
    html = "<p>x</p>" + '<p style="page-break-before: always">x</p>' * 10
    with pytest.raises(RenderRefused, match="pages"):
        render_pdf(html, max_pages=3)


def test_time_limit_refuses_a_slow_document() -> None:
    html = "<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 4000 + "</table>"
    with pytest.raises(RenderRefused, match="seconds"):
        render_pdf(html, max_pages=10_000, seconds=0.2)
    # The process keeps rendering afterwards.
    assert render_pdf("<p>after</p>").startswith(b"%PDF")


def test_release_memory_frees_a_finished_document_before_trimming() -> None:
    """A laid-out document is held by reference cycles: dropping it frees nothing until the
    cycle collector runs. `release_memory` (run after every render) must free it itself, or the
    heap trim that follows has nothing to give back and a worker grows render after render."""
    gc.disable()  # no automatic collection may do the work in this test's place
    try:
        document = layout('<html lang="en"><p>Dear Minister,</p><p>Free Tran Thi Nga.</p>')
        write(document)
        page = weakref.ref(document.pages[0]._page_box)  # the root of the laid-out box tree
        del document
        assert page() is not None  # still alive: only the collector frees it
        release_memory()
        assert page() is None
    finally:
        gc.enable()


def test_a_chunk_process_collects_once_after_its_chunk_and_never_walks_its_old_heap() -> None:
    """A pack's chunk process lays out with the collector paused and collects what the chunk
    left once, after it; what survives is frozen so the next chunk's collection skips it (a
    long-lived process's collections grew slower chunk after chunk: docs/performance.md)."""
    try:
        with collection_paused():
            assert not gc.isenabled()
            document = layout('<html lang="en"><p>Dear Minister,</p><p>Free Tran Thi Nga.</p>')
            write(document)
            page = weakref.ref(document.pages[0]._page_box)
            del document
            assert page() is not None  # nothing collected inside the block
            kept = ["a long-lived cache of the process"]
        assert gc.isenabled()
        assert page() is None  # the chunk's document is freed by the collection after it
        assert not gc.is_tracked(kept) or gc.get_freeze_count() > 0
        assert all(obj is not kept for obj in gc.get_objects())  # frozen: never walked again
    finally:
        gc.unfreeze()  # this is the test process, not a chunk process


def test_pack_is_one_document_with_fonts_embedded_once(
    db: Any, caseworker: User, today: dt.date
) -> None:
    addressee = make_addressee(db, caseworker)
    cards = []
    for i in range(4):
        case = make_case(db, caseworker, f"VN-P{i}", f"Person Number{i}")
        cards.append(card_for(db, case, make_appeal(db, caseworker, case, addressee)))
    pages: list[int] = []
    data = render_pack(
        cards,
        paper="a4",
        today=today,
        organisation=ORG,
        title="Pack",
        on_page=pages.append,
        workers=1,
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4 and len(pages) == 4
    text = pdf_text(data)
    for i in range(4):
        assert f"Release Person Number{i}" in text
    single = render_letter(cards[0], paper="a4", today=today, organisation=ORG)
    # Glued PDFs would repeat the fonts in every letter; one document shares them.
    assert len(data) < 2 * len(single)
    # In parallel worker processes: the same letters, in order.
    parallel = render_pack(
        cards, paper="a4", today=today, organisation=ORG, title="Pack", workers=2
    )
    assert len(PdfReader(io.BytesIO(parallel)).pages) == 4
    assert pdf_text(parallel).index("Number0") < pdf_text(parallel).index("Number3")


def test_packs_of_every_size_are_cut_into_the_same_even_chunks() -> None:
    # Each worker process lays out chunk after chunk: a chunk is what one process holds at
    # once (its memory bound), and equal chunks keep every worker busy to the end.
    for letters, workers in [(4, 2), (500, 2), (5000, 2), (101, 1), (999, 4), (3, 4)]:
        sizes = chunk_sizes(letters, workers)
        assert sum(sizes) == letters
        assert max(sizes) <= PACK_CHUNK and max(sizes) - min(sizes) <= 1
        assert len(sizes) % workers == 0 or len(sizes) == letters
    # A big pack is cut like a small one: the same letters per chunk, only more chunks.
    assert set(chunk_sizes(5000, 2)) == {100} and max(chunk_sizes(500, 2)) >= 80
