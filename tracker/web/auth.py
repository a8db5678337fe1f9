"""Sign-in (password, then a code when two-factor sign-in is on) and sign-out; sessions carry
the user's session token, so sign-out revokes them."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker import unit_of_work
from tracker.domain.messages import N_
from tracker.extensions import db, login_manager
from tracker.models import User, utcnow
from tracker.services.accounts import users
from tracker.web.account_forms import CodeForm
from tracker.web.forms import ActionForm, LoginForm

bp = Blueprint("auth", __name__)

# Lazy: each is said in the language of the request that shows it.
LOCKED_MESSAGE = _l("Too many failed sign-ins from this network. Wait 15 minutes, then try again.")
FAILED_MESSAGE = _l("That email and password do not match an active account.")
CODE_FAILED_MESSAGE = _l("That code is not valid. Try the current one, or a recovery code.")
# The password step is remembered in the session for this long while the code is asked for.
PENDING_SECONDS = 300
PENDING_KEY = "_2fa_pending"
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


def init_app(app: Flask) -> None:
    """Connect Flask-Login to the users table and register the sign-in pages."""
    login_manager.login_view = "auth.login"
    # Flask-Login flashes this through `localize_callback`: in the reader's language.
    login_manager.login_message = N_("Please sign in to see that page.")
    login_manager.localize_callback = _
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    login_manager.user_loader(load_user)

    @app.before_request
    def _forget_per_request_caches() -> None:
        # Flask reuses an app context that is already pushed (tests, shells), and with it `g`,
        # where Flask-Login caches the user and Flask-WTF the CSRF token of the *previous*
        # request's session: derive both afresh from this request.
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)

    app.register_blueprint(bp)


def load_user(session_id: str) -> User | None:
    """The active user a session names ("id:session token"), or None once the token rotated."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target or len(target) > 2000:
        return None
    # Decode repeatedly so encoded slashes and backslashes are judged as the browser may see them.
    decoded = target
    for _attempt in range(3):
        decoded = unquote(decoded)
    for candidate in (target, decoded):
        if _UNSAFE_CHARS.search(candidate):
            return None
        if not candidate.startswith("/") or candidate.startswith("//"):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


def client_address() -> str:
    """The client's address as seen after ProxyFix (see tracker/web/security.py)."""
    return request.remote_addr or ""


def _retry_after(result: users.SignIn) -> dict[str, str]:
    if result.locked_until is None:
        return {}
    return {"Retry-After": str(max(1, int((result.locked_until - utcnow()).total_seconds())))}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("staff.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = next_url or ""
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        result = users.sign_in(
            db.session, form.email.data or "", form.password.data or "", client_address()
        )
        unit_of_work.keep_changes()  # a failed or blocked sign-in counts whatever the answer
        if result.user is not None and result.needs_code:
            session[PENDING_KEY] = {
                "user": result.user.get_id(),
                "at": int(time.time()),
                "remember": bool(form.remember.data),
                "next": safe_next(form.next.data) or "",
            }
            return redirect(url_for("auth.login_code"))
        if result.user is not None:
            session.pop(PENDING_KEY, None)
            login_user(result.user, remember=bool(form.remember.data))
            return redirect(safe_next(form.next.data) or url_for("staff.dashboard"))
        form.form_errors.append(LOCKED_MESSAGE if result.locked_until else FAILED_MESSAGE)
        status = 429 if result.locked_until else 200
        headers = _retry_after(result)
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 200
    form.password.data = ""
    return render_template("auth/login.html", form=form), status, headers


def _pending_user() -> tuple[User, dict[str, object]] | None:
    """The user whose password was right a moment ago in this browser, if any."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if time.time() - pending["at"] > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    # The same check as a signed-in session: a password change or sign-out ends it.
    user = load_user(str(pending.get("user", "")))
    return (user, pending) if user is not None else None


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    found = _pending_user()
    if found is None:
        flash(_("Please sign in with your email and password first."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        result = users.sign_in_second_step(db.session, user, form.code.data or "", client_address())
        unit_of_work.keep_changes()  # a wrong code counts whatever the answer
        if result.user is not None:
            session.pop(PENDING_KEY, None)
            login_user(result.user, remember=bool(pending.get("remember")))
            return redirect(safe_next(str(pending.get("next") or "")) or url_for("staff.dashboard"))
        form.code.errors = [LOCKED_MESSAGE if result.locked_until else CODE_FAILED_MESSAGE]
        status = 429 if result.locked_until else 200
        headers = _retry_after(result)
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 200
    form.code.data = ""
    return render_template("auth/code.html", form=form), status, headers


@bp.post("/logout")
@login_required
def logout() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Your session form expired; please try again."), "error")
        return redirect(url_for("staff.dashboard"))
    users.sign_out(db.session, current_user._get_current_object())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
