"""The web edge: security headers and HSTS (Flask-Talisman), the proxy in front (ProxyFix),
cookie flags from configuration, and no-store on staff pages.

Configuration (instance/config.py or the environment):

- `PROXY_COUNT` (`TRACKER_PROXY_COUNT`, default 0): how many proxies in front of the app set
  X-Forwarded-For/-Proto/-Host. With 0 those headers are ignored (a client could forge them);
  behind one nginx set it to 1, so the client address that rate limits and sign-in throttling
  key on is the real one, not the proxy's.
- `HTTPS` (`TRACKER_HTTPS=1`): the site is served over HTTPS: plain-http requests are redirected,
  and the session and remember-me cookies are marked Secure. Off by default so that `make run`
  works on http://127.0.0.1. HSTS is sent on every HTTPS response either way.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY: dict[str, str | list[str]] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()"}
HSTS_MAX_AGE = 365 * 24 * 3600
PRIVATE_PREFIXES = ("/staff", "/login", "/logout")


def init_app(app: Flask) -> None:
    """Wrap the app in ProxyFix when configured and install Talisman and the cookie flags."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    Talisman(
        app,
        force_https=https,
        strict_transport_security=True,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        strict_transport_security_include_subdomains=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # Cookie flags are the app's own settings (config.defaults and HTTPS above).
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(_no_store_on_private_pages)


def relaxed_policy(view: Any, **directives: str | list[str]) -> Any:
    """Mark one view as needing a wider Content-Security-Policy than the rest of the site
    (Talisman reads the options from the view function)."""
    view.talisman_view_options = {
        "content_security_policy": {**CONTENT_SECURITY_POLICY, **directives}
    }
    return view


def _no_store_on_private_pages(response: Response) -> Response:
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
