"""The signed-in user's own account security: two-factor enrolment, recovery codes, disabling.

With `REQUIRE_2FA = True` in the instance config, a signed-in user without two-factor sign-in
is sent here before any other staff page.
"""

from __future__ import annotations

import segno
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker import unit_of_work
from tracker.domain.errors import ValidationError
from tracker.extensions import db
from tracker.i18n import LANGUAGE_NAMES, current_language, set_language_cookie
from tracker.services.accounts import preferences, throttle, two_factor
from tracker.web.access import current_actor, staff_required
from tracker.web.account_forms import CodeForm, LanguageForm
from tracker.web.auth import LOCKED_MESSAGE, client_address
from tracker.web.forms import apply_errors

bp = Blueprint("account", __name__, url_prefix="/staff/account")

Page = str | tuple[str, int] | Response
# Pages a user without two-factor sign-in may still reach when it is required.
FORM_NAMES = {
    "account.enrol": "form",
    "account.disable": "disable_form",
    "account.regenerate_codes": "codes_form",
}
ENROLMENT_ENDPOINTS = frozenset({"account.security", "account.enrol", "auth.logout", "static"})


def init_app(app: Flask) -> None:
    """Register the pages and the REQUIRE_2FA gate."""
    app.register_blueprint(bp)
    app.before_request(_require_two_factor)


def _require_two_factor() -> Response | None:
    if not current_app.config.get("REQUIRE_2FA"):
        return None
    # Only the staff site: the public site is the same for everyone (reading the session there
    # would add `Vary: Cookie` to cacheable pages), and the API authenticates by token.
    if not request.path.startswith("/staff") or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if current_user.is_authenticated and not current_user.two_factor_enabled:
        flash(_("Turn on two-factor sign-in to continue."), "info")
        return redirect(url_for("account.security"))
    return None


def qr_code_data_uri(uri: str) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (no script, no request: CSP-safe)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _security_page(status: int = 200, **context: object) -> Page:
    user = current_actor()
    enrol: dict[str, str] = {}
    if not user.two_factor_enabled:
        secret = two_factor.start_enrolment(db.session, user)
        # The secret shown in the QR code must be stored even when this page refuses a code.
        unit_of_work.keep_changes()
        uri = two_factor.provisioning_uri(user, current_app.config["ORGANISATION_NAME"])
        enrol = {"uri": uri, "qr": qr_code_data_uri(uri), "secret": secret}
    return render_template(
        "account/security.html",
        user=user,
        enrol=enrol,
        remaining=two_factor.unused_recovery_codes(db.session, user),
        form=context.pop("form", None) or CodeForm(formdata=None),
        disable_form=context.pop("disable_form", None) or CodeForm(formdata=None, prefix="off"),
        codes_form=context.pop("codes_form", None) or CodeForm(formdata=None, prefix="new"),
        language_form=context.pop("language_form", None) or _language_form(user.language),
        **context,
    ), status


def _language_form(current: str, formdata: object = None) -> LanguageForm:
    form = LanguageForm(formdata=formdata, language=current)
    default = LANGUAGE_NAMES.get(current_app.config["DEFAULT_LANGUAGE"], "")
    form.language.choices = [
        ("", _("The site's default (%(language)s)", language=default)),
        *((tag, LANGUAGE_NAMES.get(tag, tag)) for tag in current_app.config["LANGUAGES"]),
    ]
    return form


def _code_refused(form: CodeForm, error: ValidationError) -> None:
    """Show the error and count the wrong code like one at sign-in (same throttle)."""
    unit_of_work.rollback()
    apply_errors(form, error)
    throttle.record_failure(
        db.session, current_actor().email, client_address(), throttle.Stage.CODE
    )
    unit_of_work.keep_changes()  # a wrong code counts whatever the answer


def _throttled(form: CodeForm) -> bool:
    locked = throttle.locked_until(
        db.session, current_actor().email, client_address(), throttle.Stage.CODE
    )
    if locked is not None:
        form.code.errors = [LOCKED_MESSAGE]
    return locked is not None


@bp.get("/security")
@staff_required
def security() -> Page:
    return _security_page()


@bp.post("/language")
@staff_required
def language() -> Page | Response:
    form = _language_form(current_actor().language, formdata=request.form)
    if not form.validate_on_submit():
        return _security_page(400, language_form=form)
    chosen = form.language.data or ""
    try:
        offered = current_app.config["LANGUAGES"]
        preferences.set_language(db.session, current_actor(), current_actor(), chosen, offered)
    except ValidationError as error:
        apply_errors(form, error)
        return _security_page(422, language_form=form)
    response = redirect(url_for("account.security"))
    if chosen:
        # The pages follow too: the same cookie the language switcher sets.
        set_language_cookie(response, chosen)
    with force_locale(chosen or current_language()):
        flash(_("Your language is saved."), "success")
    return response


@bp.post("/security")
@staff_required
def enrol() -> Page:
    form = CodeForm()
    if _throttled(form):
        return _security_page(429, **{FORM_NAMES[request.endpoint or ""]: form})
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(db.session, current_actor(), form.code.data or "")
        except ValidationError as error:
            _code_refused(form, error)
        else:
            # Shown in this response only: never stored in the session, never shown again.
            return _security_page(201, recovery_codes=codes, just_enrolled=True)
    form.code.data = ""
    return _security_page(422, form=form)


@bp.post("/security/disable")
@staff_required
def disable() -> Page:
    form = CodeForm(prefix="off")
    if _throttled(form):
        return _security_page(429, **{FORM_NAMES[request.endpoint or ""]: form})
    if form.validate_on_submit():
        try:
            two_factor.disable(db.session, current_actor(), form.code.data or "")
        except ValidationError as error:
            _code_refused(form, error)
        else:
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("account.security"))
    form.code.data = ""
    return _security_page(422, disable_form=form)


@bp.post("/security/recovery-codes")
@staff_required
def regenerate_codes() -> Page:
    form = CodeForm(prefix="new")
    if _throttled(form):
        return _security_page(429, **{FORM_NAMES[request.endpoint or ""]: form})
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(
                db.session, current_actor(), form.code.data or ""
            )
        except ValidationError as error:
            _code_refused(form, error)
        else:
            return _security_page(201, recovery_codes=codes)
    form.code.data = ""
    return _security_page(422, codes_form=form)
