"""The one Jinja environment of printed documents (letters and reports), free of any request.

Letters and the report are rendered outside a request (the CLI, background jobs) and never
reach Flask's globals: whatever depends on the app (the organisation's name, the language)
is passed in as a plain value. The environment is immutable-sandboxed: a letter carries text
that a caseworker wrote (its subject and body are first rendered by the stricter placeholder
sandbox of tracker.domain.placeholders), and a document template can then neither call a
method that changes a value nor reach an attribute starting with an underscore.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from babel.numbers import format_decimal
from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tracker.domain.dates import format_partial_date
from tracker.domain.scripts import native_lang, text_direction
from tracker.paths import TEMPLATES_DIR


def format_number(value: int | float, locale: str = "en") -> str:
    """A count with the separators of a language: "1,204" in English."""
    return str(format_decimal(value, locale=locale))


@lru_cache(maxsize=8)
def document_environment(language: str = "en") -> ImmutableSandboxedEnvironment:
    """The environment letter and report templates are rendered in (one per process and
    language). `_`, `gettext` and `ngettext` speak the site's catalog of `language` (the
    report's words; a letter's own words come from tracker/letter_words instead)."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    from tracker.services.reports.localised import site_translations

    env.install_gettext_translations(site_translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = partial(format_number, locale=language)
    env.filters["partial_date"] = format_partial_date
    env.filters["native_lang"] = native_lang
    env.filters["text_direction"] = text_direction
    return env


def render_document(template: str, **context: Any) -> str:
    """Render one of our document templates (templates/letters, templates/reports)."""
    return document_environment().get_template(template).render(**context)


def render_document_in(language: str, template: str, **context: Any) -> str:
    """Render a document template whose own words (gettext) are in `language` (the report)."""
    return document_environment(language).get_template(template).render(**context)
