"""One page of rows and how many there are in all: the staff lists, the audit log, the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Rows of one page, the page number, its size and the total count of matching rows."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """The number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def page_number(text: str | None) -> int:
    """A page number from a query string: 1 unless it is a whole number from 1 to MAX_PAGE."""
    text = (text or "").strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isdigit() else 1


def paginate(
    session: Session,
    stmt: Select[Any],
    page: int,
    per_page: int,
    *,
    total: int | None = None,
) -> Page[Any]:
    """The `page`-th page of `stmt`'s rows (which must be ordered); `total` when known already."""
    if total is None:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, total=int(total or 0), page=page, per_page=per_page)
