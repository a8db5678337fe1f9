"""The caseworkers' pages: dashboard, case list and search, case page, case and status forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.domain.transitions import allowed_next
from tracker.domain.vocabulary import Category, Status
from tracker.extensions import db
from tracker.labels import status_label
from tracker.models import Case
from tracker.services.accounts.queries import assignable_staff
from tracker.services.cases import editing as case_service
from tracker.services.cases.dashboard import build_dashboard
from tracker.services.cases.queries import history_of
from tracker.services.cases.search import SORTS, CaseQuery, search_cases
from tracker.services.custody.case_view import case_custody, custody_attention, timeline
from tracker.services.letters import staff as letter_staff
from tracker.services.letters.deadlines import expired_for
from tracker.services.pagination import page_number
from tracker.web import editing
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.forms import STATUS_CHOICES, CaseForm, StatusForm, country_choices, options

bp = Blueprint("staff", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response
FILTER_KEYS = ("q", "status", "country", "category", "public", "assigned", "sort")


def _staff_choices() -> list[tuple[str, str]]:
    return assignable_staff(db.session)


@bp.get("")
@staff_required
def dashboard() -> Page:
    return render_template(
        "staff/dashboard.html",
        board=build_dashboard(db.session, today=dt.date.today()),
        today=dt.date.today(),
        custody=custody_attention(db.session, dt.date.today()),
        expired=expired_for(db.session, current_actor()),
    )


@bp.get("/cases")
@staff_required
def cases() -> Page:
    args = request.args
    query = CaseQuery(
        **{key: args.get(key, "") for key in FILTER_KEYS if key != "sort"},
        sort=args.get("sort", ""),
        page=page_number(args.get("page")),
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
    case = editing.submit(
        form, lambda: case_service.create_case(db.session, current_actor(), form.case_fields())
    )
    if case is not None:
        flash(_("Case %(reference)s created.", reference=case.reference), "success")
        return redirect(url_for("staff.case", case_id=case.id))
    return render_template("staff/case_form.html", form=form, case=None), editing.form_status()


@bp.get("/cases/<int:case_id>")
@staff_required
def case(case_id: int) -> Page:
    record = db.get_or_404(Case, case_id)
    history = history_of(db.session, record.id, newest_first=True)
    appeals = letter_staff.appeals_of_case(db.session, record.id)
    chart = letter_staff.counter_chart(db.session, [a.id for a in appeals], dt.date.today())
    custody = case_custody(db.session, record.id, dt.date.today())
    return render_template(
        "staff/case.html",
        case=record,
        history=history,
        custody=custody,
        timeline=timeline(history, custody),
        letters={"appeals": appeals, "chart": chart},
    )


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
    result = editing.edit(
        form,
        lambda version: case_service.update_case(
            db.session, current_actor(), record, form.case_fields(), version
        ),
        record=record,
        changed_since=lambda version: case_service.changed_fields_since(
            db.session, record, version
        ),
        done_url=lambda: url_for("staff.case", case_id=record.id),
    )
    if result.done is not None:
        return result.done
    return render_template(
        "staff/case_form.html", form=form, case=record, stale=result.stale
    ), result.status


@bp.route("/cases/<int:case_id>/status", methods=["GET", "POST"])
@editor_required
def change_status(case_id: int) -> Page:
    record = db.get_or_404(Case, case_id)
    current = record.status if record.history else None
    allowed = allowed_next(current)
    form = StatusForm()
    form.status.choices = options([(v, lbl) for v, lbl in STATUS_CHOICES if Status(v) in allowed])
    changed = editing.submit(
        form,
        lambda: case_service.change_status(
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
        ),
    )
    if changed is not None:
        flash(_("Status recorded: %(status)s.", status=status_label(record.status)), "success")
        return redirect(url_for("staff.case", case_id=record.id))
    return render_template("staff/status_form.html", form=form, case=record), editing.form_status()
