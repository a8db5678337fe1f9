"""Staff pages for where people are held: the facility directory, and a case's placements,
hearings and letter reports."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from tracker.domain.custody import LetterRules, needs_verification
from tracker.domain.errors import NotFound
from tracker.extensions import db
from tracker.models import Case, Facility
from tracker.services.custody import corrections, letter_reports, placements
from tracker.services.custody import facilities as facility_service
from tracker.services.custody.figures import facility_figures
from tracker.services.pagination import page_number
from tracker.web import editing
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.custody_forms import FacilityForm, HearingForm, LetterReportForm, PlacementForm
from tracker.web.forms import ActionForm, country_choices

bp = Blueprint("custody", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response


@bp.get("/facilities")
@staff_required
def facilities() -> Page:
    q = request.args.get("q", "").strip()[:200]
    country = request.args.get("country", "").strip().upper()[:2]
    found = facility_service.search_facilities(
        db.session, q=q, country=country, page=page_number(request.args.get("page"))
    )
    today = dt.date.today()
    return render_template(
        "custody/facilities.html",
        found=found,
        q=q,
        country=country,
        countries=country_choices(),
        figures=facility_figures(db.session, [f.id for f in found.items], today),
        unverified={f.id for f in found.items if needs_verification(f.address_verified_on, today)},
        state={k: v for k, v in (("q", q), ("country", country)) if v},
    )


@bp.get("/facilities/<int:facility_id>")
@staff_required
def facility(facility_id: int) -> Page:
    record: Facility = db.get_or_404(Facility, facility_id)
    today = dt.date.today()
    return render_template(
        "custody/facility.html",
        facility=record,
        rules=LetterRules.from_stored(record.letter_rules),
        figures=facility_figures(db.session, [record.id], today)[record.id],
        unverified=needs_verification(record.address_verified_on, today),
        people=placements.people_placed_at(db.session, record.id),
    )


@bp.route("/facilities/new", methods=["GET", "POST"])
@editor_required
def new_facility() -> Page:
    form = FacilityForm()
    created = editing.submit(
        form,
        lambda: facility_service.create_facility(db.session, current_actor(), form.values()),
    )
    if created is not None:
        flash(_("Facility %(name)s added to the directory.", name=created.name), "success")
        return redirect(url_for("custody.facility", facility_id=created.id))
    return render_template(
        "custody/facility_form.html", form=form, facility=None
    ), editing.form_status()


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_facility(facility_id: int) -> Page:
    record: Facility = db.get_or_404(Facility, facility_id)
    form = FacilityForm()
    if not form.is_submitted():
        form.load(record)
    result = editing.edit(
        form,
        lambda version: facility_service.update_facility(
            db.session, current_actor(), record, form.values(), version
        ),
        record=record,
        changed_since=lambda version: facility_service.changed_since(db.session, record, version),
        every_field=FacilityForm.FIELDS,
        done_url=lambda: url_for("custody.facility", facility_id=record.id),
    )
    if result.done is not None:
        return result.done
    return render_template(
        "custody/facility_form.html", form=form, facility=record, stale=result.stale
    ), result.status


@bp.route("/cases/<int:case_id>/placements/new", methods=["GET", "POST"])
@editor_required
def new_placement(case_id: int) -> Page:
    record: Case = db.get_or_404(Case, case_id)
    form = PlacementForm()
    form.facility_id.choices = [("", _("Choose a facility"))] + [
        (value, label) for value, label in facility_service.facility_choices(db.session)
    ]
    saved = editing.saved(
        form,
        lambda: placements.add_placement(
            db.session,
            current_actor(),
            record,
            int(form.facility_id.data or 0),
            form.effective_on.data,  # type: ignore[arg-type]  # DataRequired
            precision=form.precision.data or "day",
            source_url=form.source_url.data or "",
            public_note=form.public_note.data or "",
        ),
    )
    if saved:
        flash(_("Placement recorded."), "success")
        return redirect(url_for("staff.case", case_id=record.id) + "#custody-heading")
    return render_template(
        "custody/placement_form.html", form=form, case=record
    ), editing.form_status()


@bp.route("/cases/<int:case_id>/hearings/new", methods=["GET", "POST"])
@editor_required
def new_hearing(case_id: int) -> Page:
    record: Case = db.get_or_404(Case, case_id)
    form = HearingForm()
    saved = editing.saved(
        form,
        lambda: placements.add_hearing(
            db.session,
            current_actor(),
            record,
            form.on.data,  # type: ignore[arg-type]  # DataRequired
            kind=form.kind.data or "hearing",
            court=form.court.data or "",
            public_note=form.public_note.data or "",
        ),
    )
    if saved:
        flash(_("Hearing recorded."), "success")
        return redirect(url_for("staff.case", case_id=record.id) + "#custody-heading")
    return render_template(
        "custody/hearing_form.html", form=form, case=record
    ), editing.form_status()


@bp.route("/cases/<int:case_id>/letter-reports/new", methods=["GET", "POST"])
@editor_required
def new_letter_report(case_id: int) -> Page:
    record: Case = db.get_or_404(Case, case_id)
    form = LetterReportForm()
    saved = editing.saved(
        form,
        lambda: letter_reports.add_letter_report(
            db.session,
            current_actor(),
            record,
            form.kind.data or "",
            form.on.data,  # type: ignore[arg-type]  # DataRequired
            count=int(form.count.data or 0),
            note=form.note.data or "",
        ),
    )
    if saved:
        flash(_("Letter report recorded."), "success")
        return redirect(url_for("staff.case", case_id=record.id) + "#letters-fate-heading")
    return render_template(
        "custody/letter_report_form.html", form=form, case=record
    ), editing.form_status()


# What a "Remove" button on the case page removes: (service, message, where to land).
REMOVERS = {
    "placements": (corrections.remove_placement, _l("Move removed."), "#timeline-heading"),
    "hearings": (corrections.remove_hearing, _l("Hearing removed."), "#timeline-heading"),
    "letter-reports": (
        corrections.remove_letter_report,
        _l("Letter report removed."),
        "#letters-fate-heading",
    ),
}


@bp.post("/cases/<int:case_id>/placements/<int:row_id>/remove", defaults={"what": "placements"})
@bp.post("/cases/<int:case_id>/hearings/<int:row_id>/remove", defaults={"what": "hearings"})
@bp.post(
    "/cases/<int:case_id>/letter-reports/<int:row_id>/remove", defaults={"what": "letter-reports"}
)
@editor_required
def remove_record(case_id: int, what: str, row_id: int) -> Page:
    """Remove a placement, hearing or letter report recorded by mistake (the audit keeps it)."""
    record: Case = db.get_or_404(Case, case_id)
    remove, message, anchor = REMOVERS[what]
    if ActionForm().validate_on_submit():
        try:
            remove(db.session, current_actor(), record, row_id)
        except NotFound:
            abort(404)
        flash(str(message), "success")
    return redirect(url_for("staff.case", case_id=record.id) + anchor)
