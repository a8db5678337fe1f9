"""Public slugs: made from the current name when a case is first published, stable after.

A case that was never published holds a random placeholder that names no one, so a hidden
case's name never reaches a public address, and a `name-2` only follows a slug that was
itself public.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.text import slugify
from tracker.models import Case

# slugify never makes a slug that starts with "_": the mark of "not published yet".
HIDDEN_PREFIX = "_"


def hidden_slug() -> str:
    """A unique placeholder for a case that has never been published."""
    return HIDDEN_PREFIX + secrets.token_hex(8)


def is_hidden_slug(slug: str) -> bool:
    """True for a placeholder (the case has never been published)."""
    return slug.startswith(HIDDEN_PREFIX)


def next_free_slug(name: str, is_taken: Callable[[str], bool]) -> str:
    """The slug of the name, or name-2, name-3, ... : the first that is not taken."""
    base = slugify(name)
    candidate, n = base, 1
    while is_taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def settle_slug(session: Session, case: Case) -> None:
    """Give a case its public slug, from its current name, the first time it is publishable."""
    if not case.slug:
        case.slug = hidden_slug()
    if case.is_publishable and is_hidden_slug(case.slug):
        case.slug = next_free_slug(
            case.full_name,
            lambda slug: session.scalar(select(Case.id).where(Case.slug == slug)) is not None,
        )
