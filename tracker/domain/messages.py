"""N_: marks an English message for the catalogs where it is declared; pages translate it."""

from __future__ import annotations


def N_(text: str) -> str:
    """The text unchanged: `make catalogs-extract` collects it, the page shows it translated."""
    return text
