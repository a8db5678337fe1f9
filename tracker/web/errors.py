"""The site's own error pages, in the reader's language, for errors no blueprint answers.

A URL that matches no route, a method a page does not take, a form too large or a failure of
the server would otherwise get Werkzeug's bare English page. The API keeps its JSON errors
(tracker/api/errors.py answers for /api/v1 before these are reached).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

# Per status: the page's heading and what the reader can do about it.
PAGES: dict[int, tuple[Any, Any]] = {
    400: (
        _l("This request could not be understood"),
        _l("Go back, check what you sent and try again."),
    ),
    403: (_l("You may not open this page"), _l("If you think you should, ask an administrator.")),
    404: (
        _l("Page not found"),
        _l("There is nothing at this address. It may have been moved or taken down."),
    ),
    405: (_l("This page cannot be used that way"), _l("Open it from a link of the site instead.")),
    413: (_l("What you sent is too large"), _l("Send a smaller file or a shorter text.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing was changed. Please try again in a moment."),
    ),
}


def init_app(app: Flask) -> None:
    """Answer these statuses with the site's error page."""
    for code in PAGES:
        app.register_error_handler(code, _error_page)


def _error_page(error: Any) -> ResponseReturnValue:
    if not isinstance(error, HTTPException):  # an unhandled exception reaches the 500 handler
        error = InternalServerError()
    code = error.code or 500
    heading, advice = PAGES.get(code, PAGES[500])
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    staff = request.path.startswith("/staff")
    page = render_template("error.html", code=code, heading=heading, advice=advice, staff=staff)
    return page, code, headers
