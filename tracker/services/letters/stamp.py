"""The sender block laid over page 1 of a cached letter, as an incremental update of its PDF.

A personalised letter is the cached base letter (its sender block left blank) plus a one-page
"stamp" holding only the sender block. pypdf's `merge_page` would parse and rewrite the whole
base letter (fonts included) for every supporter: 40 ms of a 80 ms download. Here the base is
read once per process (`BaseLetter`, kept by its cache key) and each letter appends to its bytes
only what is new, as PDF's own incremental update does (ISO 32000-1, 7.5.6): the stamp's page
as a form XObject with the fonts it uses, a new version of page 1 that draws it after its own
content, and a cross-reference stream pointing at them, chained to the base's by /Prev.
"""

from __future__ import annotations

import io
import re
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

STAMP_NAME = NameObject("/TrackerSenderStamp")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass(frozen=True)
class BaseLetter:
    """What an update of a base letter needs from it, read once."""

    data: bytes
    size: int
    prev: int
    trailer: DictionaryObject  # /Root, /Info, /ID as the base has them
    page: IndirectObject
    page_dict: DictionaryObject
    resources: DictionaryObject
    contents: tuple[PdfObject, ...]


def read_base(data: bytes) -> BaseLetter | None:
    """The parts of a base letter an update needs; None when it is not one we can update."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        return None
    prev = int(found.group(1))
    if b"/XRef" not in data[prev : prev + 200]:
        return None  # a classic cross-reference table: our PDFs have a stream
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    ref = page.indirect_reference
    if ref is None:
        return None
    contents = page.get("/Contents")
    if contents is None:
        parts: tuple[PdfObject, ...] = ()
    elif isinstance(contents, ArrayObject):
        parts = tuple(contents)
    else:
        parts = (contents,)
    if any(not isinstance(part, IndirectObject) for part in parts):
        return None
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    kept = [k for k in ("/Root", "/Info", "/ID") if k in reader.trailer]
    trailer = DictionaryObject({NameObject(k): reader.trailer.raw_get(k) for k in kept})
    # Only numbers of the base's objects are written later, never their values again.
    page_dict = DictionaryObject({NameObject(k): page.raw_get(k) for k in page})
    return BaseLetter(
        data=data,
        size=int(reader.trailer["/Size"]),  # type: ignore[call-overload]
        prev=prev,
        trailer=trailer,
        page=IndirectObject(ref.idnum, ref.generation, None),
        page_dict=page_dict,
        resources=DictionaryObject(
            {NameObject(k): _resolved(resources.raw_get(k)) for k in resources}
        ),
        contents=parts,
    )


def _resolved(value: Any) -> Any:
    """A resources entry, its dictionary resolved one level (XObject, Font... by name)."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, DictionaryObject) and not isinstance(value, StreamObject):
        return DictionaryObject({NameObject(k): value.raw_get(k) for k in value})
    return value


class _Copier:
    """Copies objects of the stamp into the update, numbered after the base's last object."""

    def __init__(self, first: int) -> None:
        self.next = first
        self.numbers: dict[tuple[int, int], int] = {}
        self.objects: list[tuple[int, PdfObject]] = []

    def add(self, obj: PdfObject) -> IndirectObject:
        number = self.next
        self.next += 1
        self.objects.append((number, obj))
        return IndirectObject(number, 0, None)

    def copy(self, value: Any) -> Any:
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key not in self.numbers:
                number = self.next
                self.next += 1
                self.numbers[key] = number
                slot = len(self.objects)
                self.objects.append((number, NumberObject(0)))
                self.objects[slot] = (number, self.copy(value.get_object()))
            return IndirectObject(self.numbers[key], 0, None)
        if isinstance(value, StreamObject):
            stream = EncodedStreamObject() if "/Filter" in value else DecodedStreamObject()
            stream._data = value._data
            for key in value:
                if key != "/Length":
                    stream[NameObject(key)] = self.copy(value.raw_get(key))
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject({NameObject(k): self.copy(value.raw_get(k)) for k in value})
        if isinstance(value, ArrayObject):
            return ArrayObject(self.copy(item) for item in value)
        return value


def _stream(data: bytes, **entries: PdfObject) -> StreamObject:
    stream = EncodedStreamObject()
    stream._data = zlib.compress(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream


def stamped(base: BaseLetter, stamp_pdf: bytes) -> bytes:
    """The base letter with page 1 of `stamp_pdf` drawn over its page 1."""
    stamp_page = PdfReader(io.BytesIO(stamp_pdf)).pages[0]
    drawing = stamp_page.get_contents()
    copier = _Copier(base.size)
    form = _stream(
        drawing.get_data() if drawing is not None else b"",
        Type=NameObject("/XObject"),
        Subtype=NameObject("/Form"),
        BBox=ArrayObject(stamp_page.mediabox),
        Resources=copier.copy(stamp_page.raw_get("/Resources")),
    )
    form_ref = copier.add(form)
    # The base's own drawing is wrapped in q ... Q so the stamp starts from a clean state.
    before = copier.add(_stream(b"q\n"))
    after = copier.add(_stream(b"Q\nq " + STAMP_NAME.encode() + b" Do Q\n"))
    resources = DictionaryObject(base.resources)
    xobjects = DictionaryObject(resources.get("/XObject") or {})
    xobjects[STAMP_NAME] = form_ref
    resources[NameObject("/XObject")] = xobjects
    page = DictionaryObject(base.page_dict)
    page[NameObject("/Contents")] = ArrayObject([before, *base.contents, after])
    page[NameObject("/Resources")] = resources
    return _update(base, [*copier.objects, (base.page.idnum, page)], base.page.generation)


def _update(base: BaseLetter, objects: list[tuple[int, PdfObject]], page_generation: int) -> bytes:
    out = io.BytesIO()
    out.write(base.data)
    if not base.data.endswith(b"\n"):
        out.write(b"\n")
    offsets: dict[int, tuple[int, int]] = {}
    for number, obj in objects:
        generation = page_generation if number < base.size else 0
        offsets[number] = (out.tell(), generation)
        out.write(f"{number} {generation} obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref_number = max(base.size, *(n + 1 for n in offsets))
    xref_offset = out.tell()
    offsets[xref_number] = (xref_offset, 0)
    numbers = sorted(offsets)
    rows = b"".join(
        b"\x01" + offsets[n][0].to_bytes(4, "big") + offsets[n][1].to_bytes(2, "big")
        for n in numbers
    )
    xref = DecodedStreamObject()
    xref._data = rows
    xref.update(base.trailer)
    xref[NameObject("/Type")] = NameObject("/XRef")
    xref[NameObject("/Size")] = NumberObject(xref_number + 1)
    xref[NameObject("/Prev")] = NumberObject(base.prev)
    xref[NameObject("/W")] = ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)])
    xref[NameObject("/Index")] = ArrayObject(NumberObject(x) for n in numbers for x in (n, 1))
    out.write(f"{xref_number} 0 obj\n".encode())
    xref.write_to_stream(out)
    out.write(f"\nendobj\nstartxref\n{xref_offset}\n%%EOF\n".encode())
    return out.getvalue()


class BaseLetters:
    """Bases read in this process, by their cache key (a few dozen letters on a campaign day)."""

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self._bases: dict[str, BaseLetter | None] = {}
        self._lock = threading.Lock()

    def get(self, key: str, data: Callable[[], bytes]) -> BaseLetter | None:
        """The base letter kept under `key`, read from `data()` the first time."""
        if key in self._bases:
            return self._bases[key]
        base = read_base(data())
        with self._lock:
            if len(self._bases) >= self.limit:
                self._bases.clear()
            self._bases[key] = base
        return base
