"""Fixtures for letter PDF tests."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """All text of a PDF, page by page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def today() -> Any:
    import datetime as dt

    return dt.date(2024, 5, 1)
