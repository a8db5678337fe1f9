"""Letter placeholders: staff-written subjects and bodies rendered in Jinja's immutable sandbox.

The context holds only plain strings, dates, numbers and lists built from public fields, so a
template cannot reach a model, a session or a private column. On top of the sandbox, a template
is checked before it runs: no loops, macros, calls, imports or arithmetic, a bounded source
length. While it runs, output is counted as it is produced: every `join` and `~` computes the
size of its result before building it and refuses one over MAX_OUTPUT_CHARS (or a render that
has built more than MAX_BUILT_CHARS in all), each value written out is counted, and the clock
is checked at every step. So `name|join(name)|join(name)` stops at a few kilobytes instead of
building gigabytes. At save time a template is filled with the longest value each placeholder
can hold (PLACEHOLDER_MAX_CHARS), so a text that could grow too big for some person is refused
before anyone downloads it. An unknown placeholder is an error (StrictUndefined) reported to
the editor beside the field.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from tracker.domain.letter_sandbox import (
    ALLOWED_FILTERS,
    MAX_OUTPUT_CHARS,
    MAX_RENDER_SECONDS,
    Budget,
    budget_var,
    letter_environment,
    too_long,
)
from tracker.domain.letter_sandbox import (
    PlaceholderError as PlaceholderError,
)
from tracker.domain.messages import M_, N_, Message

MAX_SOURCE_CHARS = 20_000

# Every placeholder a body or subject may use, with what it holds (shown on the edit page, in the
# reader's language: the meanings are msgids).
PLACEHOLDERS: dict[str, str] = {
    "case.name": N_("The person's name (Latin script)"),
    "case.name_native": N_("The person's name in their own script"),
    "case.country": N_("Country name in the letter's language, e.g. Vietnam, Viêt Nam"),
    "case.country_code": N_("ISO country code, e.g. VN"),
    "case.profession": N_("Profession or role"),
    "case.category": N_("Category in the letter's language, e.g. Journalist, Journaliste"),
    "case.place_of_detention": N_("Public place of detention"),
    "case.charges": N_("Public charges"),
    "case.sentence": N_("Public sentence"),
    "case.status": N_("Current status in the letter's language, e.g. Detained, En détention"),
    "case.detained_since": N_("Date of arrest in the letter's language, e.g. May 2015"),
    "case.days_detained": N_("Days since the arrest (a number, in the letter's digits)"),
    "case.time_detained": N_("Time held so far in the letter's language, e.g. 8 years"),
    "addressee.honorific": N_("Honorific, e.g. H.E."),
    "addressee.name": N_("Addressee's name"),
    "addressee.full_name": N_("Honorific and name"),
    "addressee.position": N_("Position, e.g. Minister of Justice"),
    "addressee.institution": N_("Institution"),
    "addressee.salutation": N_("Salutation, e.g. Dear Minister"),
    "addressee.country": N_("Addressee's country name in the letter's language"),
    "supporter.name": N_("The sender's name (empty in the plain letter)"),
    "supporter.address": N_("The sender's address (empty in the plain letter)"),
    "today": N_("Today's date in the letter's language, e.g. 8 October 2020"),
}

# What the letter prints itself around the subject and body, so the editor never types it.
ADDED_BY_LETTER: dict[str, str] = {
    "addressee.salutation": N_(
        "The addressee's salutation with the punctuation of the letter's language "
        '("Dear Minister,", "尊敬的部长\uff1a") is printed before your text: start the body '
        "with its first sentence. A body that starts with {{ addressee.salutation }} gets no "
        "second one."
    ),
    "closing": N_(
        'The closing ("Yours sincerely,", "此致 敬礼\uff01"), the signature line and the list of '
        "copies are printed after your text and the asks, in the letter's language."
    ),
}

# The longest value each placeholder can hold: the limits of the fields it is filled from
# (services/cases, services/letters, the personalisation form), or a bound on what it can be.
PLACEHOLDER_MAX_CHARS: dict[str, int] = {
    "case.name": 200,
    "case.name_native": 200,
    "case.country": 60,
    "case.country_code": 2,
    "case.profession": 300,
    "case.category": 60,
    "case.place_of_detention": 300,
    "case.charges": 2_000,
    "case.sentence": 1_000,
    "case.status": 40,
    "case.detained_since": 40,
    "case.days_detained": 7,
    "case.time_detained": 40,
    "addressee.honorific": 50,
    "addressee.name": 200,
    "addressee.full_name": 251,
    "addressee.position": 200,
    "addressee.institution": 300,
    "addressee.salutation": 200,
    "addressee.country": 60,
    "supporter.name": 120,
    "supporter.address": 404,
    "today": 40,
}

# Filters kept from Jinja's set: none of them can build a value much larger than its input.
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


@dataclass(frozen=True, slots=True)
class CompiledLetterText:
    """A checked template and the top-level placeholders it uses."""

    source: str
    render_fn: Callable[[Mapping[str, Any]], Iterator[str]]
    names: frozenset[str]


def _describe_node(node: nodes.Node) -> Message:
    if isinstance(node, nodes.For):
        return M_("Loops are not allowed")
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        return M_("Macros are not allowed")
    if isinstance(node, nodes.Call):
        return M_("Function and method calls are not allowed")
    if isinstance(node, (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
        return M_("Including other templates is not allowed")
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        return M_("Setting variables is not allowed")
    if isinstance(node, nodes.BinExpr):
        return M_("The operator '%(operator)s' is not allowed", operator=node.operator)
    return M_("'%(construct)s' is not allowed", construct=type(node).__name__)


def _check_tree(tree: nodes.Template) -> None:
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            line = getattr(node, "lineno", 0)
            raise PlaceholderError(
                M_("%(problem)s (line %(line)s).", problem=_describe_node(node), line=line)
            )
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            raise PlaceholderError(
                M_(
                    "Unknown placeholder '%(name)s' (line %(line)s).",
                    name=node.name,
                    line=node.lineno,
                )
            )
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise PlaceholderError(
                M_(
                    "Unknown placeholder '.%(name)s' (line %(line)s).",
                    name=node.attr,
                    line=node.lineno,
                )
            )
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise PlaceholderError(
                M_(
                    "The filter '%(name)s' is not allowed (line %(line)s).",
                    name=node.name,
                    line=node.lineno,
                )
            )
        if isinstance(node, nodes.Test) and node.name not in ("defined", "undefined", "none"):
            raise PlaceholderError(
                M_(
                    "The test '%(name)s' is not allowed (line %(line)s).",
                    name=node.name,
                    line=node.lineno,
                )
            )


@lru_cache(maxsize=256)
def compile_letter_text(source: str) -> CompiledLetterText:
    """Check and compile a subject or body; raise PlaceholderError with a message for people."""
    if len(source) > MAX_SOURCE_CHARS:
        raise PlaceholderError(M_("At most %(limit)s characters.", limit=MAX_SOURCE_CHARS))
    env = letter_environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        # Jinja's own words (English) name the problem; ours say what it is and where.
        raise PlaceholderError(
            M_(
                "Template syntax error: %(problem)s (line %(line)s).",
                problem=exc.message or "",
                line=exc.lineno,
            )
        ) from None
    _check_tree(tree)
    # Autoescape covers placeholder values; the editor's own text is escaped here, so the whole
    # result is text, and markup typed into a letter can never reach the PDF renderer.
    for data in tree.find_all(nodes.TemplateData):
        data.data = str(escape(data.data))
    names = frozenset(n.name for n in tree.find_all(nodes.Name))
    unknown = sorted(names - {p.split(".")[0] for p in PLACEHOLDERS})
    if unknown:
        raise PlaceholderError(M_("Unknown placeholder '%(name)s'.", name=unknown[0]))
    template = env.from_string(tree)
    return CompiledLetterText(source, template.generate, names)


def render_letter_text(source: str, context: Mapping[str, Any], *, isolate: bool = False) -> Markup:
    """Fill in a subject or body; the result is HTML-escaped text.

    With `isolate`, every value is bidi-isolated (FSI ... PDI) so it reads as written in a
    letter of the other direction.
    """
    compiled = compile_letter_text(source)
    budget = Budget(deadline=time.thread_time() + MAX_RENDER_SECONDS, isolate=isolate)
    token = budget_var.set(budget)
    parts: list[str] = []
    size = 0
    try:
        for chunk in compiled.render_fn(context):
            # Literal text and escaping count here too (escaping at most sextuples a value).
            size += len(chunk)
            if size > 6 * MAX_OUTPUT_CHARS:
                raise too_long()
            parts.append(chunk)
    except UndefinedError as exc:
        raise PlaceholderError(_undefined_message(exc)) from None
    except SecurityError as exc:
        raise PlaceholderError(M_("Not allowed: %(problem)s.", problem=str(exc))) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, PlaceholderError):
            raise
        raise PlaceholderError(
            M_("The template cannot be filled in: %(problem)s.", problem=str(exc))
        ) from None
    finally:
        budget_var.reset(token)
    return Markup("".join(parts))  # noqa: S704  (literals and values are both escaped)


def _undefined_message(exc: UndefinedError) -> Message:
    text = str(exc.message or exc)
    # Jinja says "'dict object' has no attribute 'nme'"; people need the placeholder name.
    if "has no attribute" in text:
        text = text.split("has no attribute")[-1].strip()
    return M_("Unknown placeholder: %(name)s.", name=text)


def changes_daily(source: str) -> bool:
    """True when the text depends on the day (`today`, `case.days_detained`, `time_detained`)."""
    return "today" in compile_letter_text(source).names or "_detained" in source


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


def longest_value(placeholder: str) -> str:
    """A value as long as `placeholder` can hold, in words of wide letters (for layout too)."""
    size = PLACEHOLDER_MAX_CHARS[placeholder]
    return ("Wmwmw " * (size // 6 + 1))[:size].strip().ljust(size, "W")


def worst_case_context(today: dt.date) -> dict[str, Any]:
    """Every placeholder filled with the longest value it can hold."""
    case: dict[str, Any] = {
        k.split(".", 1)[1]: longest_value(k) for k in PLACEHOLDERS if k.startswith("case.")
    }
    case["days_detained"] = 10 ** PLACEHOLDER_MAX_CHARS["case.days_detained"] - 1
    addressee = {
        k.split(".", 1)[1]: longest_value(k) for k in PLACEHOLDERS if k.startswith("addressee.")
    }
    context = build_context(
        case=case,
        addressee=addressee,
        supporter_name=longest_value("supporter.name"),
        supporter_address=longest_value("supporter.address"),
        today=today,
        format_date=lambda d: d.isoformat(),
    )
    context["today"] = longest_value("today")
    return context


# The context templates are checked with while editing (kept under its first name).
sample_context = worst_case_context


def check_letter_text(source: str, today: dt.date) -> None:
    """Raise PlaceholderError when the text does not compile, or could fill in too long."""
    render_letter_text(source, worst_case_context(today))


def value_too_long(context: Mapping[str, Any]) -> str | None:
    """The first placeholder whose value is longer than it may be (older records), or None."""
    for placeholder, limit in PLACEHOLDER_MAX_CHARS.items():
        group, _, key = placeholder.partition(".")
        value = context.get(group)
        value = value.get(key) if isinstance(value, Mapping) and key else value
        if isinstance(value, str) and len(value) > limit:
            return placeholder
    return None
