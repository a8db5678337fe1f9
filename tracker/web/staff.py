"""The caseworkers' pages: dashboard, case list and search, case page, case and status forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker.domain.errors import StaleEdit, ValidationError
from tracker.domain.transitions import allowed_next
from tracker.domain.vocabulary import Category, Role, Status
from tracker.extensions import db
from tracker.models import Case, StatusChange, User
from tracker.services.cases import editing as case_service
from tracker.services.cases.dashboard import build_dashboard
from tracker.services.cases.search import SORTS, CaseQuery, search_cases
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.forms import (
    STATUS_CHOICES,
    CaseForm,
    StatusForm,
    apply_errors,
    country_choices,
    options,
    submitted_version,
)

bp = Blueprint("staff", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response
FILTER_KEYS = ("q", "status", "country", "category", "public", "assigned", "sort")


def _staff_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.ADMIN.value, Role.CASEWORKER.value]))
        .order_by(User.name, User.email)
    )
    return [(str(u.id), u.name or u.email) for u in rows]


@bp.get("")
@staff_required
def dashboard() -> Page:
    return render_template("staff/dashboard.html", board=build_dashboard(db.session))


@bp.get("/cases")
@staff_required
def cases() -> Page:
    args = request.args
    page_arg = args.get("page", "1")
    query = CaseQuery(
        **{key: args.get(key, "") for key in FILTER_KEYS if key != "sort"},
        sort=args.get("sort", ""),
        page=int(page_arg) if page_arg.isdigit() else 1,
    ).normalised()
    result = search_cases(db.session, query)
    # The query string is the state: links keep every filter so a view can be bookmarked.
    state = {k: v for k, v in vars_of(query).items() if k in FILTER_KEYS and v}
    if state.get("sort") == "-updated":
        state.pop("sort")
    return render_template(
        "staff/cases.html",
        query=query,
        result=result,
        state=state,
        sorts=SORTS,
        statuses=STATUS_CHOICES,
        categories=[(c.value, c.label) for c in Category],
        countries=country_choices(),
        staff=_staff_choices(),
    )


def vars_of(query: CaseQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__dataclass_fields__}


@bp.route("/cases/new", methods=["GET", "POST"])
@editor_required
def new_case() -> Page:
    form = CaseForm(caseworkers=_staff_choices())
    if form.validate_on_submit():
        try:
            case = case_service.create_case(db.session, current_actor(), form.case_fields())
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Case {case.reference} created.", "success")
            return redirect(url_for("staff.case", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return render_template("staff/case_form.html", form=form, case=None), status


@bp.get("/cases/<int:case_id>")
@staff_required
def case(case_id: int) -> Page:
    record = db.get_or_404(Case, case_id)
    history = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.case_id == record.id)
        .options(selectinload(StatusChange.recorded_by))
        .order_by(StatusChange.effective_on.desc(), StatusChange.id.desc())
    ).all()
    return render_template("staff/case.html", case=record, history=history)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_case(case_id: int) -> Page:
    record = db.get_or_404(Case, case_id)
    form = CaseForm(obj=record if request.method == "GET" else None, caseworkers=_staff_choices())
    if request.method == "GET":
        form.version.data = str(record.version)
        form.assigned_to_id.data = str(record.assigned_to_id or "")
        for name in ("consent_publicity_by", "consent_photo_by"):
            getattr(form, name).data = getattr(record, name) or ""
    stale: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        version = submitted_version(form)
        try:
            changed = case_service.update_case(
                db.session, current_actor(), record, form.case_fields(), version
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 422
        except (StaleEdit, StaleDataError) as error:
            db.session.rollback()
            record = db.get_or_404(Case, case_id)
            fields = getattr(error, "changed_fields", None) or case_service.changed_fields_since(
                db.session, record, version
            )
            stale = [(_label(form, name), _shown(record, name)) for name in fields]
            # The typed input stays; the next save knowingly replaces the newer version.
            form.version.data = str(record.version)
            status = 409
        else:
            db.session.commit()
            if changed:
                flash("Saved: " + ", ".join(_label(form, n) for n in changed) + ".", "success")
            else:
                flash("Nothing had changed.", "info")
            return redirect(url_for("staff.case", case_id=record.id))
    elif request.method == "POST":
        status = 422
    return render_template("staff/case_form.html", form=form, case=record, stale=stale), status


def _label(form: CaseForm, name: str) -> str:
    if name == "status":
        return "Status"
    field = getattr(form, name, None)
    return str(field.label.text) if field is not None else name.replace("_", " ").capitalize()


def _shown(case: Case, name: str) -> str:
    value = getattr(case, name, "")
    if name == "status":
        return Status(value).label
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


@bp.route("/cases/<int:case_id>/status", methods=["GET", "POST"])
@editor_required
def change_status(case_id: int) -> Page:
    record = db.get_or_404(Case, case_id)
    current = record.status if record.history else None
    allowed = allowed_next(current)
    form = StatusForm()
    form.status.choices = options([(v, lbl) for v, lbl in STATUS_CHOICES if Status(v) in allowed])
    status = 200
    if form.validate_on_submit():
        try:
            case_service.change_status(
                db.session,
                current_actor(),
                record,
                form.status.data or "",
                form.effective_on.data,  # type: ignore[arg-type]  # DataRequired
                precision=form.precision.data or "day",
                release_kind=form.release_kind.data or None,
                note=form.note.data or "",
                public_note=form.public_note.data or "",
                source_url=form.source_url.data or "",
                is_correction=bool(form.is_correction.data),
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 422
        else:
            db.session.commit()
            flash(f"Status recorded: {Status(record.status).label}.", "success")
            return redirect(url_for("staff.case", case_id=record.id))
    elif request.method == "POST":
        status = 422
    return render_template("staff/status_form.html", form=form, case=record), status
