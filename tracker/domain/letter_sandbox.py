"""The sandbox that fills in letter texts, counting output as it is produced.

Every `join` and `~` computes the size of its result before building it and refuses one over
MAX_OUTPUT_CHARS (or a render that has built more than MAX_BUILT_CHARS in all), each value
written out is counted, and the clock is checked at every step. So `name|join(name)|join(name)`
stops at a few kilobytes instead of building gigabytes. Used by tracker.domain.placeholders,
which checks a template before it runs and owns the context.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, nodes, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import sync_do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from tracker.domain.messages import M_

MAX_OUTPUT_CHARS = 40_000
# Everything `join` and `~` may build in one render (intermediate values included).
MAX_BUILT_CHARS = 5 * MAX_OUTPUT_CHARS
# CPU seconds of the filling thread (time.thread_time): a busy or niced process (a pack's layout
# processes run at niceness 10) waits for the CPU without spending this budget, so a pack is
# never failed by the load of the machine; a template that computes for long still is.
MAX_RENDER_SECONDS = 0.5

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


class PlaceholderError(ValueError):
    """A template the editor must fix; the message is for people."""


@dataclass
class Budget:
    """What one render may still spend: a deadline and the characters it has built."""

    deadline: float  # on the time.thread_time() clock
    built: int = 0
    written: int = 0
    isolate: bool = False


budget_var: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "letter_budget", default=None
)


def too_long() -> PlaceholderError:
    return PlaceholderError(
        M_("The filled-in text is longer than %(limit)s characters.", limit=MAX_OUTPUT_CHARS)
    )


def _spend(size: int) -> None:
    """Account for a value of `size` characters about to be built; refuse before building it."""
    if size > MAX_OUTPUT_CHARS:
        raise too_long()
    budget = budget_var.get()
    if budget is None:  # constant folding at compile time: only the size rule applies
        return
    _check_time(budget)
    budget.built += size
    if budget.built > MAX_BUILT_CHARS:
        raise too_long()


def _check_time(budget: Budget | None = None) -> None:
    budget = budget or budget_var.get()
    if budget is not None and time.thread_time() > budget.deadline:
        raise PlaceholderError(M_("The letter took too long to fill in."))


def _text_size(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value))


@pass_eval_context
def _bounded_join(eval_ctx: EvalContext, value: Any, d: Any = "", attribute: Any = None) -> Any:
    """Jinja's `join`, after checking the size of its result."""
    if attribute is not None:
        raise SecurityError("join by attribute is not allowed in letters")
    separator = _text_size(d)
    if isinstance(value, str):  # joining the characters of a text: sized without a loop
        _spend(len(value) + separator * max(0, len(value) - 1))
        return sync_do_join(eval_ctx, value, d)
    items = list(value)
    size = separator * max(0, len(items) - 1)
    for item in items:
        size += _text_size(item)
        if size > MAX_OUTPUT_CHARS:
            break
    _spend(size)
    return sync_do_join(eval_ctx, items, d)


def _bounded_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the clock first and whose result is bounded (checked after)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        result = fn(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_OUTPUT_CHARS:
            raise too_long()
        return result

    return wrapper


def _bounded_concat(parts: tuple[Any, ...], autoescape: bool) -> Any:
    """`a ~ b ~ c`, after checking the size of its result."""
    _spend(sum(_text_size(p) for p in parts))
    return markup_join(parts) if autoescape else str_join(parts)


# First-strong isolate and pop directional isolate: a value keeps its own direction inside
# text of the other one ("24 Corrected Street" in an Arabic letter). Pango honours them, where
# WeasyPrint ignores `unicode-bidi`; browsers honour them too, and they print nothing.
FSI, PDI = "\u2068", "\u2069"


def _finalize(value: Any) -> Any:
    """Count every value written out, as it is written (before escaping); isolate it if asked."""
    budget = budget_var.get()
    if budget is not None:
        _check_time(budget)
        budget.written += _text_size(value)
        if budget.written > MAX_OUTPUT_CHARS:
            raise too_long()
        if budget.isolate and _text_size(value):
            return Markup(FSI) + escape(value) + Markup(PDI)  # noqa: S704  (controls only)
    return value


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with `~` compiled to a call that checks its size first."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("), context.eval_ctx.autoescape)")


class _LetterSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with every call refused and only plain data attributes reachable."""

    code_generator_class = _BoundedCodeGenerator
    bounded_concat = staticmethod(_bounded_concat)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Only mapping keys (the context) are reachable; no methods, no dunders.
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed in letters")

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_time()
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_time()
        if isinstance(obj, Mapping) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        if isinstance(obj, (list, tuple)) and isinstance(argument, int):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=str(argument)[:50])


@lru_cache(maxsize=1)
def letter_environment() -> _LetterSandbox:
    env = _LetterSandbox(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, finalize=_finalize
    )
    env.globals.clear()  # no range, lipsum, dict, cycler, joiner, namespace
    env.filters = {
        name: _bounded_filter(f) for name, f in env.filters.items() if name in ALLOWED_FILTERS
    }
    env.filters["join"] = _bounded_join
    return env
