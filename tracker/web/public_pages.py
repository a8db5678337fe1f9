"""Public pages kept per process (services.publishing.page_memo) and filled in per visitor.

A kept page is rendered once for every visitor of its language on its day, with marked slots
where one visitor's things go: the CSRF token, the one-time "I posted it" token, the flashed
messages, a campaign's live count. Each request fills the slots of its own visitor, so no
visitor's token or message is ever kept, and nothing of a session decides what is kept.
The marks hold a random value drawn per process: no published text can forge one.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf

from tracker.i18n import current_language

T = TypeVar("T")
_SALT = secrets.token_hex(12)


def mark(name: str) -> str:
    """The mark of slot `name` in a kept page (letters, digits and hyphens: escaping keeps it)."""
    return f"slot-{_SALT}-{name}"


CSRF = mark("csrf")
FLASHES = mark("flashes")


def kept(build: Callable[[], T], *parts: Hashable) -> T:
    """What `build` makes for this page, from the memo while nothing published changed.

    The key is the endpoint, its arguments, the query string (the language links repeat it),
    the reader's language and `parts` (the day, at least).
    """
    args = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "lang"))
    key = (
        request.endpoint,
        tuple(sorted((request.view_args or {}).items())),
        args,
        current_language(),
        *parts,
    )
    return current_app.extensions["public_pages"].get(  # type: ignore[no-any-return]
        key,
        build,
        ttl=float(current_app.config["PUBLIC_PAGE_TTL_SECONDS"]),
        now=time.monotonic(),
    )


def render_marked(template: str, **context: Any) -> str:
    """A page with slots instead of the visitor's CSRF token and messages."""
    return render_template(template, csrf_token=lambda: CSRF, flash_slot=FLASHES, **context)


def with_messages(page: str) -> str:
    """The page with this visitor's flashed messages (taken from the session) in their slot."""
    messages = render_template("_flashes.html") if session.get("_flashes") else ""
    return page.replace(FLASHES, messages)


def with_tokens(page: str, **slots: str) -> str:
    """The page with this visitor's CSRF token and the other named slots filled in."""
    if CSRF in page:
        page = page.replace(CSRF, generate_csrf())
    for name, value in slots.items():
        page = page.replace(mark(name), value)
    return page


def filled(page: str, **slots: str) -> str:
    """Every slot of the page filled for this visitor."""
    return with_tokens(with_messages(page), **slots)
