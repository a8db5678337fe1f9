"""Fonts embedded the lean way in our PDFs: no copy of a whole face, CFF faces subset once.

WeasyPrint 70 copies the whole file of every face it embeds out of HarfBuzz before subsetting it
(Noto Serif CJK's regular and bold collections are 26 and 27 MB: about 20 ms of CPU each, and
53 MB of memory a Chinese letter holds for a moment), then subsets it twice: a first pass keeps
the used glyphs at their ids, a second one (on the first one's output) drops the glyphs after
the last used one and the hinting. Here the file is copied only if something reads it (a face
that cannot be subset, full fonts, forms), and a CFF face is subset once, asking for no hinting
in that pass: the second pass costs as much as the first (60 and 50 ms for the two CJK faces of
a Chinese letter, 31 and 25 ms in one pass; docs/performance.md, "Letters per script") and
changes nothing the PDF draws. For a Simplified Chinese letter the font is the same, byte for
byte. HarfBuzz may also keep a glyph after the last one used: in the Traditional Chinese and
Japanese faces, the variant of a fullwidth colon or exclamation mark that a variation sequence
names. Up to SPARE_GLYPHS empty slots before it are kept (the PDF never draws it; a few bytes);
past that, WeasyPrint's second pass runs as it would. Either way every glyph the letter draws is
the same, outline and advance, and the pages render to the same pixels
(tests/pdf/test_font_subset.py). Other faces (small TrueType ones, where a composite glyph can
bring in a component) keep WeasyPrint's two passes.

Only our renders (`tracker.pdf.write`) embed fonts this way, inside `lean_fonts()`: any other
WeasyPrint document of the process gets WeasyPrint as shipped. Like every render it must not run
in two threads of one process at once (tracker.pdf).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import weasyprint
import weasyprint.pdf.fonts
import weasyprint.pdf.stream
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

# The version whose Font this was written against and compared with; on another, WeasyPrint's own.
CHECKED_WITH = "70.0"
# The tables WeasyPrint 70 drops from every embedded face (weasyprint/pdf/fonts.py).
DROPPED_TABLES = (
    b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
    b"SVG ",
)  # fmt: skip
# Empty glyph slots a subset may keep before a glyph HarfBuzz adds after the last one used: 8
# bytes each (advances in hmtx and vmtx). Past that, WeasyPrint's second pass.
SPARE_GLYPHS = 64


def _not_now(*args: Any, **kwargs: Any) -> None:
    return None


class LeanFont(Font):  # type: ignore[misc]  # WeasyPrint ships no type information
    """WeasyPrint's Font whose whole face is copied when read, and CFF faces subset once."""

    def __init__(self, *args: Any) -> None:
        # WeasyPrint's __init__ reads the face's file only to keep it in `file_content`.
        weasyprint.pdf.fonts.get_hb_object_data = _not_now
        try:
            super().__init__(*args)
        finally:
            weasyprint.pdf.fonts.get_hb_object_data = get_hb_object_data

    @property
    def file_content(self) -> bytes:
        if self._file_content is None:
            self._file_content = get_hb_object_data(self.hb_face)
        return self._file_content  # type: ignore[no-any-return]

    @file_content.setter
    def file_content(self, value: bytes | None) -> None:
        self._file_content = value

    def _harfbuzz_subset(self, to_unicode: dict[int, str], hinting: bool) -> None:
        """WeasyPrint's first pass with the second one's flags (CFF faces); else its two."""
        if "CFF " not in self.tables:
            super()._harfbuzz_subset(to_unicode, hinting)
            return
        subset_input = ffi.gc(
            harfbuzz_subset.hb_subset_input_create_or_fail(),
            harfbuzz_subset.hb_subset_input_destroy,
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
        if self.missing:
            flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
        drop_set = harfbuzz_subset.hb_subset_input_set(
            subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
        )
        tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in DROPPED_TABLES)
        harfbuzz.hb_set_add_sorted_array(
            drop_set, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags)
        )
        face = harfbuzz_subset.hb_subset_or_fail(self.hb_face, subset_input)
        if face != ffi.NULL:
            face = ffi.gc(face, harfbuzz.hb_face_destroy)
            if harfbuzz.hb_face_get_glyph_count(face) > glyphs[-1] + 1 + SPARE_GLYPHS:
                # HarfBuzz kept glyphs far after the last one used: WeasyPrint's second pass.
                keep = tuple(range(glyphs[-1] + 1))
                harfbuzz.hb_set_add_sorted_array(
                    glyph_set, ffi.new(f"hb_codepoint_t[{len(keep)}]", keep), len(keep)
                )
                flags &= ~harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
                harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
                face = harfbuzz_subset.hb_subset_or_fail(face, subset_input)
                face = ffi.NULL if face == ffi.NULL else ffi.gc(face, harfbuzz.hb_face_destroy)
        if face != ffi.NULL:
            data = get_hb_object_data(face)
            if data:
                self.file_content = data
                return
        super()._harfbuzz_subset(to_unicode, hinting)


@contextlib.contextmanager
def lean_fonts() -> Iterator[None]:
    """Within the block, WeasyPrint 70 embeds its fonts as LeanFont (another version: its own)."""
    if weasyprint.__version__ != CHECKED_WITH:
        yield
        return
    weasyprint.pdf.stream.Font = LeanFont
    try:
        yield
    finally:
        weasyprint.pdf.stream.Font = Font
