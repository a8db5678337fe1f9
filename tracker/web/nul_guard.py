"""Refuse a NUL character in a request's path, query or form with 400, before any view runs.

PostgreSQL can neither store nor compare a NUL, so one reaching a query would be a 500; no
person types one. Other control characters get a field error from the text rule instead.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict

MESSAGE = "The request holds a NUL character, which no field accepts."


def _has_nul(values: MultiDict[str, str]) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


def refuse_nul() -> None:
    """abort(400) when the path, the query string or a posted form holds a NUL."""
    form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if "\x00" in request.path or _has_nul(request.args) or (form and _has_nul(request.form)):
        abort(400, MESSAGE)


def init_app(app: Flask) -> None:
    """Run the check before every request."""
    app.before_request(refuse_nul)
