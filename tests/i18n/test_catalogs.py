"""Every catalog compiles, and en/fr/es/ar hold no untranslated or fuzzy message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tracker.i18n import LANGUAGE_NAMES, TRANSLATIONS_DIR

TEMPLATE = TRANSLATIONS_DIR / "messages.pot"


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def _ids(catalog) -> set[object]:  # type: ignore[no-untyped-def]
    return {m.id for m in catalog if m.id}


@pytest.mark.parametrize("language", sorted(LANGUAGE_NAMES))
def test_catalog_is_complete_and_compiles(language: str) -> None:
    catalog = _catalog(language)
    with TEMPLATE.open("rb") as fh:
        template = read_po(fh)
    missing = _ids(template) - _ids(catalog)
    assert not missing, f"{language}: not merged from messages.pot (make catalogs-update)"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"
    errors = [(m.id, e) for m, errs in catalog.check() for e in errs]
    assert not errors, f"{language}: {errors[:5]}"
    write_mo(io.BytesIO(), catalog)


@pytest.mark.parametrize("language", sorted(LANGUAGE_NAMES))
def test_compiled_catalog_is_up_to_date(language: str) -> None:
    """The committed .mo (what `make run` serves) says what its .po says."""
    folder = TRANSLATIONS_DIR / language / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(language))
    assert Path(folder / "messages.mo").read_bytes() == compiled.getvalue(), (
        f"{language}: run make catalogs-compile"
    )


def test_extraction_template_lists_the_site_words() -> None:
    """The template is extracted from the code (a smoke check that it is not empty)."""
    with TEMPLATE.open("rb") as fh:
        ids = _ids(read_po(fh))
    assert {"Skip to content", "Detained", "Human rights defender"} <= ids
