"""Security headers on every response, no-store on staff pages, Secure cookies over HTTPS.

Cookie choice: the session and remember-me cookies get `Secure` whenever the request came in
over HTTPS (`request.is_secure`), so one installation works on plain http://127.0.0.1 during
development and on https in production without a setting. Behind a TLS-terminating proxy,
either wrap the app in werkzeug's ProxyFix (so the scheme is seen) or set
SESSION_COOKIE_SECURE = True in instance/config.py, which forces Secure on every cookie.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PRIVATE_PREFIXES = ("/staff", "/login", "/logout")


def init_app(app: Flask) -> None:
    """Install the response hook so that it runs after every other one."""
    # after_request hooks run in reverse order of registration; Flask-Login's (which sets the
    # remember-me cookie) is registered earlier, so ours goes first in the list to run last.
    app.after_request_funcs.setdefault(None, []).insert(0, add_security_headers)
    # The session cookie is written after every after_request hook: its interface decides.
    app.session_interface = SchemeAwareSessionInterface()


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked Secure when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def add_security_headers(response: Response) -> Response:
    """Headers every page carries; staff pages are never stored by a browser or proxy."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        cookies = headers.getlist("Set-Cookie")
        if any("secure" not in c.lower() for c in cookies):
            headers.remove("Set-Cookie")
            for cookie in cookies:
                headers.add(
                    "Set-Cookie", cookie if "; secure" in cookie.lower() else cookie + "; Secure"
                )
    return response
