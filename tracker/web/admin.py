"""Admin pages: staff users, their roles, passwords and API tokens, and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.domain.errors import NotFound, ValidationError
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, Case, User
from tracker.services.accounts import users as user_service
from tracker.web.access import admin_required, current_actor
from tracker.web.forms import (
    ActionForm,
    AuditFilterForm,
    PasswordResetForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    apply_errors,
    options,
)

bp = Blueprint("admin", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response
AUDIT_PER_PAGE = 50


def _users_page(form: UserCreateForm, status: int = 200) -> Page:
    everyone = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("admin/users.html", users=everyone, form=form), status


@bp.get("/users")
@admin_required
def users() -> Page:
    return _users_page(UserCreateForm())


@bp.post("/users")
@admin_required
def create_user() -> Page:
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                db.session,
                current_actor(),
                form.email.data or "",
                form.password.data or "",
                form.role.data or "viewer",
                form.name.data or "",
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"User {user.email} created.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    form.password.data = ""
    return _users_page(form, 422)


def _user_page(user: User, status: int = 200, **forms: object) -> Page:
    role_form = forms.pop("role_form", None) or RoleForm(role=user.role)
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).all()
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
    if form.validate_on_submit():
        try:
            user_service.change_role(db.session, current_actor(), target, form.role.data or "")
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"{target.email} is now {target.role}.", "success")
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
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{target.email} is deactivated and signed out everywhere.", "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        user_service.reactivate(db.session, current_actor(), target)
        db.session.commit()
        flash(f"{target.email} may sign in again.", "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int) -> Page:
    target = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            user_service.set_password(db.session, current_actor(), target, form.password.data or "")
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Password of {target.email} changed; their sessions are signed out.", "success")
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
    db.session.commit()
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
        db.session.commit()
        flash(f"Token {row.prefix}… revoked.", "success")
    return redirect(url_for("admin.user", user_id=row.user_id))


@bp.get("/audit")
@admin_required
def audit() -> Page:
    form = AuditFilterForm(request.args)
    everyone = db.session.scalars(select(User).order_by(User.email)).all()
    form.user.choices = options([("", "Anyone"), *[(str(u.id), u.email) for u in everyone]])
    stmt = select(AuditEvent)
    user_id = request.args.get("user", "")
    if user_id.isdigit():
        stmt = stmt.where(AuditEvent.user_id == int(user_id))
    case_arg = (request.args.get("case") or "").strip()
    case = None
    if case_arg:
        case = db.session.scalar(
            select(Case).where(
                or_(
                    Case.reference == case_arg,
                    Case.id == (int(case_arg) if case_arg.isdigit() else -1),
                )
            )
        )
        case_id = case.id if case else -1
        stmt = stmt.where(
            or_(
                (AuditEvent.entity_type == "case") & (AuditEvent.entity_id == case_id),
                AuditEvent.detail["case_id"].as_integer() == case_id,
            )
        )
    page_arg = request.args.get("page", "1")
    page = max(1, int(page_arg)) if page_arg.isdigit() else 1
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    events = db.session.scalars(
        stmt.options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.id.desc())
        .limit(AUDIT_PER_PAGE)
        .offset((page - 1) * AUDIT_PER_PAGE)
    ).all()
    state = {k: v for k, v in (("user", user_id), ("case", case_arg)) if v}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        total=total,
        page=page,
        pages=max(1, -(-total // AUDIT_PER_PAGE)),
        state=state,
        case=case,
    )
