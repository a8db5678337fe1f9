"""Embedded CFF faces (Noto CJK) subset in one HarfBuzz pass, where WeasyPrint 70 takes two.

WeasyPrint 70 subsets every face it embeds twice: a first pass keeps the used glyphs at their
ids, a second one (on the first one's output) drops the glyphs after the last used one and the
hinting. For a CFF face the second pass costs as much as the first and changes nothing the PDF
draws: a Chinese letter subsets the regular and the bold face of Noto Serif CJK (26 MB
collections of 65,535 glyphs) in 60 and 50 ms of CPU, 31 and 25 ms in one pass
(docs/performance.md, "Letters per script"). Asking for no hinting in the first pass gives
the same font, byte for byte, for a Simplified Chinese letter. In a Traditional Chinese or
Japanese one, HarfBuzz also keeps the variant of a fullwidth colon or exclamation mark that the
face's variation sequences name, after the last glyph used (the second pass moves it; the PDF
never draws it): every glyph the letter draws is the same, outline and advance, and the pages
render to the same pixels (tests/pdf/test_font_subset.py). Other faces (small
TrueType ones, where a composite glyph can bring in a component) keep WeasyPrint's two passes.

Only our renders (`tracker.pdf.write`) subset this way, inside `one_pass_subsetting()`: any
other WeasyPrint document of the process gets WeasyPrint as shipped. Like every render it must
not run in two threads of one process at once (tracker.pdf).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import weasyprint
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

# The version whose two passes the single one was compared with; on another, WeasyPrint's own.
CHECKED_WITH = "70.0"
# The tables WeasyPrint 70 drops from every embedded face (weasyprint/pdf/fonts.py).
DROPPED_TABLES = (
    b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
    b"SVG ",
)  # fmt: skip

_two_passes = Font._harfbuzz_subset


def _subset_once(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint's first pass with the second one's flags (CFF faces); its two passes otherwise."""
    if "CFF " not in font.tables or harfbuzz_subset is None:
        _two_passes(font, to_unicode, hinting)
        return
    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    glyphs = sorted(to_unicode)
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    drop_set = harfbuzz_subset.hb_subset_input_set(
        subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
    )
    tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(
        drop_set, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags)
    )
    face = harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input)
    if face != ffi.NULL:
        data = get_hb_object_data(ffi.gc(face, harfbuzz.hb_face_destroy))
        if data:
            font.file_content = data
            return
    _two_passes(font, to_unicode, hinting)


@contextlib.contextmanager
def one_pass_subsetting() -> Iterator[None]:
    """Within the block, CFF faces are subset in one pass (WeasyPrint 70 only)."""
    if weasyprint.__version__ != CHECKED_WITH:
        yield
        return
    Font._harfbuzz_subset = _subset_once
    try:
        yield
    finally:
        Font._harfbuzz_subset = _two_passes
