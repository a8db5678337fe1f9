"""Admin pages: staff users, their roles, passwords and API tokens, and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker import unit_of_work
from tracker.domain.errors import NotFound, ValidationError
from tracker.extensions import db
from tracker.labels import role_label, translate
from tracker.models import ApiToken, User
from tracker.services import audit_log
from tracker.services.accounts import queries as account_queries
from tracker.services.accounts import two_factor
from tracker.services.accounts import users as user_service
from tracker.services.pagination import page_number
from tracker.web import editing
from tracker.web.access import admin_required, current_actor
from tracker.web.forms import (
    ActionForm,
    AuditFilterForm,
    PasswordResetForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    options,
)

bp = Blueprint("admin", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response


def _users_page(form: UserCreateForm, status: int = 200) -> Page:
    everyone = account_queries.users_for_admin(db.session)
    return render_template("admin/users.html", users=everyone, form=form), status


@bp.get("/users")
@admin_required
def users() -> Page:
    return _users_page(UserCreateForm())


@bp.post("/users")
@admin_required
def create_user() -> Page:
    form = UserCreateForm()
    user = editing.submit(
        form,
        lambda: user_service.create_user(
            db.session,
            current_actor(),
            form.email.data or "",
            form.password.data or "",
            form.role.data or "viewer",
            form.name.data or "",
        ),
    )
    if user is not None:
        flash(_("User %(email)s created.", email=user.email), "success")
        return redirect(url_for("admin.user", user_id=user.id))
    form.password.data = ""
    return _users_page(form, 422)


def _user_page(user: User, status: int = 200, **forms: object) -> Page:
    role_form = forms.pop("role_form", None) or RoleForm(role=user.role)
    tokens = account_queries.tokens_of(db.session, user.id)
    return render_template(
        "admin/user.html",
        user=user,
        tokens=tokens,
        role_form=role_form,
        password_form=forms.pop("password_form", None) or PasswordResetForm(),
        token_form=forms.pop("token_form", None) or TokenForm(),
        action_form=ActionForm(),
        new_token=forms.pop("new_token", None),
    ), status


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int) -> Page:
    return _user_page(db.get_or_404(User, user_id))


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    form = RoleForm()
    if editing.saved(
        form,
        lambda: user_service.change_role(db.session, current_actor(), target, form.role.data or ""),
    ):
        flash(
            _("%(email)s is now %(role)s.", email=target.email, role=role_label(target.role)),
            "success",
        )
        return redirect(url_for("admin.user", user_id=target.id))
    return _user_page(target, 422, role_form=form)


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        try:
            user_service.deactivate(db.session, current_actor(), target)
        except ValidationError as error:
            unit_of_work.rollback()
            flash(translate(error.message), "error")
        else:
            flash(
                _("%(email)s is deactivated and signed out everywhere.", email=target.email),
                "success",
            )
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        user_service.reactivate(db.session, current_actor(), target)
        flash(_("%(email)s may sign in again.", email=target.email), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/two-factor/reset")
@admin_required
def reset_two_factor(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        two_factor.reset(db.session, current_actor(), target)
        flash(
            _(
                "Two-factor sign-in of %(email)s is off and they are signed out; "
                "they sign in with their password and enrol again.",
                email=target.email,
            ),
            "success",
        )
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if editing.saved(
        form,
        lambda: user_service.set_password(
            db.session, current_actor(), target, form.password.data or ""
        ),
    ):
        flash(
            _("Password of %(email)s changed; their sessions are signed out.", email=target.email),
            "success",
        )
        return redirect(url_for("admin.user", user_id=target.id))
    form.password.data = ""
    return _user_page(target, 422, password_form=form)


@bp.post("/users/<int:user_id>/tokens")
@admin_required
def create_token(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        return _user_page(target, 422, token_form=form)
    token = user_service.create_token(db.session, current_actor(), target, form.name.data or "")
    # Shown in this response only (never stored in the session, never shown again).
    return _user_page(target, 201, new_token=token, token_form=TokenForm(formdata=None))


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(token_id: int) -> Page:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            user_service.revoke_token(db.session, current_actor(), token_id)
        except NotFound:
            abort(404)
        flash(_("Token %(prefix)s… revoked.", prefix=row.prefix), "success")
    return redirect(url_for("admin.user", user_id=row.user_id))


@bp.get("/audit")
@admin_required
def audit() -> Page:
    form = AuditFilterForm(request.args)
    everyone = account_queries.users_by_email(db.session)
    form.user.choices = options([("", _("Anyone")), *[(str(u.id), u.email) for u in everyone]])
    user_arg = request.args.get("user", "")
    case_arg = (request.args.get("case") or "").strip()
    case = audit_log.find_case(db.session, case_arg) if case_arg else None
    page = audit_log.audit_page(
        db.session,
        user_id=int(user_arg) if user_arg.isdigit() else None,
        case_id=(case.id if case else -1) if case_arg else None,
        page=page_number(request.args.get("page")),
    )
    state = {k: v for k, v in (("user", user_arg), ("case", case_arg)) if v}
    return render_template(
        "admin/audit.html",
        form=form,
        events=page.items,
        total=page.total,
        page=page.page,
        pages=page.pages,
        state=state,
        case=case,
    )
