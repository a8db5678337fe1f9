"""Text rules shared by every input path: slugs, control characters, blank names, CSV cells."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

_NON_WORD = re.compile(r"[^a-z0-9]+")

# Characters that draw nothing: white space, zero-width and bidi format characters, fillers.
# As a regular-expression class (without brackets) so the API document can carry it too.
INVISIBLE_CLASS = (
    "\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
# Control characters a line of text may not hold: C0, DEL and C1 (NUL included).
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
# In multi-line text, tab, line feed and carriage return are allowed.
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# At least one character that shows, and no control character.
NOT_BLANK_PATTERN = (
    f"^[^\\x00-\\x1f\\x7f-\\x9f]*[^{INVISIBLE_CLASS}\\x00-\\x1f\\x7f-\\x9f]"
    "[^\\x00-\\x1f\\x7f-\\x9f]*$"
)
_SINGLE_LINE = re.compile(SINGLE_LINE_PATTERN)
_MULTI_LINE = re.compile(MULTI_LINE_PATTERN)
_INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSEEN = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})  # Unicode categories that show nothing
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TextProblem(StrEnum):
    """Why a text was refused; the layers that show it say it in words."""

    CONTROL = "control"  # a control character (NUL, ESC, vertical tab, ...)
    SURROGATE = "surrogate"  # half of a UTF-16 pair: not a character
    BLANK = "blank"  # nothing visible: only spaces, zero-width or bidi characters


class TextRefused(ValueError):
    """A text broke the text rule; `problem` says which part."""

    def __init__(self, problem: TextProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Strip a text and check it: no control character (tab and newline only in multi-line
    text, where line ends become "\\n") and no lone surrogate."""
    text = value.strip()
    if text.isprintable():
        # Neither a control character (Cc) nor a surrogate (Cs) is printable, nor is a line
        # end: most texts need nothing more (an import checks hundreds of thousands).
        return text
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not (_MULTI_LINE if multiline else _SINGLE_LINE).match(text):
        raise TextRefused(TextProblem.CONTROL)
    if _SURROGATE.search(text):
        raise TextRefused(TextProblem.SURROGATE)
    return text


def without_controls(text: str) -> str:
    """The text with every control character and lone surrogate removed (for search boxes)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))


def _unseen(ch: str) -> bool:
    return bool(_INVISIBLE.fullmatch(ch)) or unicodedata.category(ch) in _UNSEEN


# The ASCII characters that show nothing (white space and controls), to strip in one call.
_ASCII_UNSEEN = "".join(ch for ch in map(chr, range(128)) if _unseen(ch))


def is_blank(text: str) -> bool:
    """True when the text shows nothing: empty, spaces, zero-width or bidi characters only."""
    if text.isascii():
        return not text.strip(_ASCII_UNSEEN)
    for ch in text:  # a loop, not all(...): most texts stop at their first letter
        if not _INVISIBLE.fullmatch(ch) and unicodedata.category(ch) not in _UNSEEN:
            return False
    return True


def slugify(text: str) -> str:
    """An ASCII slug of a name: "Trần Thị Nga" -> "tran-thi-nga"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-")[:100] or "case"


def _needs_quote(value: str) -> bool:
    return value[:1] in FORMULA_STARTS or (value[:1] == "'" and _needs_quote(value[1:]))


def neutralise_formula(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: "=1+1" -> "'=1+1" (undone by restore_formula)."""
    return "'" + value if _needs_quote(value) else value


def restore_formula(cell: str) -> str:
    """The value neutralise_formula was given: drops the quote it added, and only that."""
    return cell[1:] if cell[:1] == "'" and _needs_quote(cell[1:]) else cell
