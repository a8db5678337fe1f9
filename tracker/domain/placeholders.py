"""Letter placeholders: staff-written subjects and bodies rendered in Jinja's immutable sandbox.

The context holds only plain strings, dates, numbers and lists built from public fields, so a
template cannot reach a model, a session or a private column. On top of the sandbox, a template
is checked before it runs: no loops, macros, calls, imports or arithmetic that could build huge
values, a bounded source length, a bounded output length and a time budget. An unknown
placeholder is an error (StrictUndefined) reported to the editor beside the field.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

MAX_SOURCE_CHARS = 20_000
MAX_OUTPUT_CHARS = 40_000
MAX_RENDER_SECONDS = 0.5

# Every placeholder a body or subject may use, with what it holds (shown on the edit page).
PLACEHOLDERS: dict[str, str] = {
    "case.name": "The person's name (Latin script)",
    "case.name_native": "The person's name in their own script",
    "case.country": "Country name, e.g. Viet Nam",
    "case.country_code": "ISO country code, e.g. VN",
    "case.profession": "Profession or role",
    "case.category": "Category in plain words, e.g. Human rights defender",
    "case.place_of_detention": "Public place of detention",
    "case.charges": "Public charges",
    "case.sentence": "Public sentence",
    "case.status": "Current status in plain words",
    "case.detained_since": "Date of arrest as people write it, e.g. May 2015",
    "case.days_detained": "Days since the arrest (a number)",
    "addressee.honorific": "Honorific, e.g. H.E.",
    "addressee.name": "Addressee's name",
    "addressee.full_name": "Honorific and name",
    "addressee.position": "Position, e.g. Minister of Justice",
    "addressee.institution": "Institution",
    "addressee.salutation": "Salutation, e.g. Dear Minister",
    "addressee.country": "Addressee's country name",
    "supporter.name": "The sender's name (empty in the plain letter)",
    "supporter.address": "The sender's address (empty in the plain letter)",
    "today": "Today's date, e.g. 8 October 2020",
}

# Filters kept from Jinja's set: none of them can build a value much larger than its input.
ALLOWED_FILTERS = frozenset(
    {
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "default",
        "d",
        "e",
        "escape",
        "striptags",
        "length",
        "count",
        "first",
        "last",
        "join",
        "string",
        "safe_join",
    }
)
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.Filter,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
    nodes.Test,
    nodes.List,
    nodes.Tuple,
    nodes.Keyword,
)


class PlaceholderError(ValueError):
    """A template the editor must fix; the message is for people."""


class _LetterSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with every call refused and only plain data attributes reachable."""

    deadline: float = 0.0

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Only mapping keys (the context) are reachable; no methods, no dunders.
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed in letters")

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._check_time()
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._check_time()
        if isinstance(obj, Mapping) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        if isinstance(obj, (list, tuple)) and isinstance(argument, int):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=str(argument)[:50])

    def _check_time(self) -> None:
        if self.deadline and time.monotonic() > self.deadline:
            raise PlaceholderError("The letter took too long to fill in.")


@lru_cache(maxsize=1)
def _environment() -> _LetterSandbox:
    env = _LetterSandbox(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    env.globals.clear()  # no range, lipsum, dict, cycler, joiner, namespace
    env.filters = {name: f for name, f in env.filters.items() if name in ALLOWED_FILTERS}
    return env


@dataclass(frozen=True, slots=True)
class CompiledLetterText:
    """A checked template and the top-level placeholders it uses."""

    source: str
    render_fn: Callable[[Mapping[str, Any]], Iterator[str]]
    names: frozenset[str]


def _describe_node(node: nodes.Node) -> str:
    if isinstance(node, nodes.For):
        return "Loops are not allowed"
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        return "Macros are not allowed"
    if isinstance(node, nodes.Call):
        return "Function and method calls are not allowed"
    if isinstance(node, (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
        return "Including other templates is not allowed"
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        return "Setting variables is not allowed"
    if isinstance(node, nodes.BinExpr):
        return f"The operator '{node.operator}' is not allowed"
    return f"'{type(node).__name__}' is not allowed"


def _check_tree(tree: nodes.Template) -> None:
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            line = getattr(node, "lineno", 0)
            raise PlaceholderError(f"{_describe_node(node)} (line {line}).")
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            raise PlaceholderError(f"Unknown placeholder '{node.name}' (line {node.lineno}).")
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise PlaceholderError(f"Unknown placeholder '.{node.attr}' (line {node.lineno}).")
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise PlaceholderError(f"The filter '{node.name}' is not allowed (line {node.lineno}).")
        if isinstance(node, nodes.Test) and node.name not in ("defined", "undefined", "none"):
            raise PlaceholderError(f"The test '{node.name}' is not allowed (line {node.lineno}).")


@lru_cache(maxsize=256)
def compile_letter_text(source: str) -> CompiledLetterText:
    """Check and compile a subject or body; raise PlaceholderError with a message for people."""
    if len(source) > MAX_SOURCE_CHARS:
        raise PlaceholderError(f"At most {MAX_SOURCE_CHARS} characters.")
    env = _environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise PlaceholderError(f"{exc.message} (line {exc.lineno}).") from None
    _check_tree(tree)
    # Autoescape covers placeholder values; the editor's own text is escaped here, so the whole
    # result is text, and markup typed into a letter can never reach the PDF renderer.
    for data in tree.find_all(nodes.TemplateData):
        data.data = str(escape(data.data))
    names = frozenset(n.name for n in tree.find_all(nodes.Name))
    unknown = sorted(names - {p.split(".")[0] for p in PLACEHOLDERS})
    if unknown:
        raise PlaceholderError(f"Unknown placeholder '{unknown[0]}'.")
    template = env.from_string(tree)
    return CompiledLetterText(source, template.generate, names)


def render_letter_text(source: str, context: Mapping[str, Any]) -> Markup:
    """Fill in a subject or body; the result is HTML-escaped text."""
    compiled = compile_letter_text(source)
    env = _environment()
    env.deadline = time.monotonic() + MAX_RENDER_SECONDS
    parts: list[str] = []
    size = 0
    try:
        for chunk in compiled.render_fn(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise PlaceholderError(f"The filled-in text is longer than {MAX_OUTPUT_CHARS}.")
            parts.append(chunk)
    except UndefinedError as exc:
        raise PlaceholderError(_undefined_message(exc)) from None
    except SecurityError as exc:
        raise PlaceholderError(f"Not allowed: {exc}.") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, PlaceholderError):
            raise
        raise PlaceholderError(f"The template cannot be filled in: {exc}.") from None
    finally:
        env.deadline = 0.0
    return Markup("".join(parts))  # noqa: S704  (literals and values are both escaped)


def _undefined_message(exc: UndefinedError) -> str:
    text = str(exc.message or exc)
    # Jinja says "'dict object' has no attribute 'nme'"; people need the placeholder name.
    if "has no attribute" in text:
        return f"Unknown placeholder: {text.split('has no attribute')[-1].strip()}."
    return f"Unknown placeholder: {text}."


def uses_supporter(source: str) -> bool:
    """True when the text depends on the sender (it cannot be rendered once for everyone)."""
    return "supporter" in compile_letter_text(source).names


def build_context(
    *,
    case: Mapping[str, Any],
    addressee: Mapping[str, Any] | None,
    supporter_name: str = "",
    supporter_address: str = "",
    today: dt.date,
    format_date: Callable[[dt.date], str],
) -> dict[str, Any]:
    """The placeholder context: plain values only, keys exactly those of PLACEHOLDERS."""
    keys = {p.split(".", 1)[1] for p in PLACEHOLDERS if p.startswith("case.")}
    addressee_keys = {p.split(".", 1)[1] for p in PLACEHOLDERS if p.startswith("addressee.")}
    return {
        "case": {k: _plain(case.get(k, "")) for k in sorted(keys)},
        "addressee": {k: _plain((addressee or {}).get(k, "")) for k in sorted(addressee_keys)},
        "supporter": {"name": supporter_name, "address": supporter_address},
        "today": format_date(today),
    }


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (str, int, dt.date)):
        return value
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return str(value)


def sample_context(today: dt.date) -> dict[str, Any]:
    """A context with a value for every placeholder, to check templates while editing."""
    case: dict[str, Any] = {k.split(".", 1)[1]: "x" for k in PLACEHOLDERS if k.startswith("case.")}
    case["days_detained"] = 1
    addressee = {k.split(".", 1)[1]: "x" for k in PLACEHOLDERS if k.startswith("addressee.")}
    return build_context(
        case=case,
        addressee=addressee,
        supporter_name="x",
        supporter_address="x",
        today=today,
        format_date=lambda d: d.isoformat(),
    )


def check_letter_text(source: str, today: dt.date) -> None:
    """Raise PlaceholderError when the text does not compile or fill in."""
    render_letter_text(source, sample_context(today))
