"""Bearer-token authentication for the API: the token acts with its user's role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from tracker import unit_of_work
from tracker.api.errors import ApiError
from tracker.database import set_write_intent
from tracker.extensions import db
from tracker.models import User, utcnow
from tracker.services.accounts import tokens
from tracker.services.accounts.users import user_for_token
from tracker.unit_of_work import SAFE_METHODS

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
REALM = 'Bearer realm="tracker"'

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark an API view that needs no token (the documentation page)."""
    view.api_public = True  # type: ignore[attr-defined]
    return view


def api_user() -> User:
    """The user the request's token belongs to."""
    user: User = g.api_user
    return user


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate() -> User:
    """The user of the request's bearer token; ApiError 401 without a valid one.

    The API is exempt from CSRF only because it never reads the session cookie: a request
    that carries the cookie but no token is refused like any other without a token.
    """
    token = _bearer_token()
    if token is None:
        if request.cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session")):
            message = "The API ignores the sign-in cookie; send Authorization: Bearer TOKEN."
        else:
            message = "Send an API token: Authorization: Bearer TOKEN."
        raise ApiError(401, message, headers={"WWW-Authenticate": REALM})
    user = user_for_token(db.session, token)
    if user is None:
        raise ApiError(
            401,
            "The API token is not valid (unknown, revoked, or its user is inactive).",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    _touch(token)
    return user


def _touch(token: str) -> None:
    """Record when the token was last used, at most once per TOUCH_INTERVAL."""
    now = utcnow()
    if not tokens.touch_due(db.session, token, now):
        return
    if request.method in SAFE_METHODS:
        # A read has read only the token so far: end that read transaction, so the write
        # opens with BEGIN IMMEDIATE (SQLite) instead of upgrading a read snapshot, and keep
        # the touch whatever the answer (a read writes nothing else).
        unit_of_work.rollback()
        set_write_intent(True)
        unit_of_work.keep_changes()
    tokens.touch(db.session, token, now)


def check_role(user: User) -> None:
    """A viewer's token reads; writing needs a caseworker or an admin."""
    if request.method not in SAFE_METHODS and not user.can_edit:
        raise ApiError(403, f"A {user.role}'s token may only read.")


def before_api_request() -> None:
    """Size limit, token and role, for every route of the API blueprint."""
    limit = int(current_app.config.get("API_MAX_CONTENT_LENGTH", 1024 * 1024))
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, f"The request body may be at most {limit} bytes.")
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "api_public", False):
        return
    user = authenticate()
    g.api_user = user
    check_role(user)
    # Every write of the API takes a JSON body; an empty object is a body, nothing is not.
    if request.method in BODY_METHODS and not request.get_data(cache=True):
        raise ApiError(400, "Send a JSON body, e.g. {} when no field changes.")
    if request.method in BODY_METHODS:
        refuse_deep_json()


def refuse_deep_json() -> None:
    """A body nested deeper than Python's parser recurses is a 400, not a 500 (finding 10).

    Parsed once here (Flask caches it); a body that is not JSON at all is left to webargs,
    which answers it with its own 400.
    """
    try:
        request.get_json(force=True, silent=True)
    except RecursionError:
        raise ApiError(
            400,
            "The request body is not valid JSON: it is nested too deeply.",
            {"json": ["Nested too deeply."]},
        ) from None
