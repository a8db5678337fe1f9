"""Appeals of a case: create and edit with a preview of the letter, their page and their PDF."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from tracker import unit_of_work
from tracker.domain.errors import NotFound, ValidationError
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.labels import translate
from tracker.models import Appeal, Case
from tracker.pdf import ASSET_BASE
from tracker.services.letters import editing as letter_service
from tracker.services.letters import staff as letter_staff
from tracker.services.letters.compose import PAPERS, LetterError, letter_html
from tracker.services.letters.render import content_disposition, render_letter
from tracker.services.publishing.objects import AppealCard
from tracker.web import editing
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.forms import apply_errors
from tracker.web.letter_forms import AppealForm
from tracker.web.letters_staff import Page, bp, organisation, paper, today

_BODY_RE = re.compile(r"<body>(.*)</body>", re.DOTALL)


def _appeal_form() -> AppealForm:
    return AppealForm(
        addressees=[
            (str(a.id), ", ".join(p for p in (f"{a.honorific} {a.name}".strip(), a.position) if p))
            for a in letter_staff.all_addressees(db.session)
        ],
        campaigns=[(c.slug, c.name) for c in letter_staff.all_campaigns(db.session)],
    )


def preview_html(card: AppealCard) -> Markup:
    """The letter's HTML as printed, for display inside a staff page (assets from /static)."""
    html = letter_html(card, today=today(), organisation=organisation(), reader=current_language())
    match = _BODY_RE.search(html)
    inner = match.group(1) if match else ""
    # The letter template escapes every value; only the asset base is rewritten here.
    return Markup(inner.replace(ASSET_BASE, url_for("static", filename="")))  # noqa: S704


def _preview(card_fn: Callable[[], AppealCard]) -> tuple[Markup | None, str]:
    try:
        return preview_html(card_fn()), ""
    except (LetterError, NotFound) as exc:
        return None, translate(exc.message)


def _form_page(
    form: AppealForm,
    case: Case,
    appeal: Appeal | None,
    *,
    preview: Markup | None,
    preview_error: str = "",
    previewing: bool = False,
    stale: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Page:
    return render_template(
        "letters_staff/appeal_form.html",
        form=form,
        case=case,
        appeal=appeal,
        preview=preview,
        preview_error=preview_error,
        previewing=previewing,
        stale=stale or [],
        placeholders=letter_service.list_placeholders(),
        added_by_letter=letter_service.added_by_letter(),
    ), status


def _wants_preview(form: AppealForm) -> bool:
    return request.form.get("action") == "preview" and form.validate_on_submit()


def _typed_preview(form: AppealForm, case: Case, appeal: Appeal | None) -> Page:
    """Check the typed fields and show the letter they would print, saving nothing."""
    try:
        cleaned = letter_service.clean_appeal_fields(db.session, form.values())
    except ValidationError as error:
        unit_of_work.rollback()
        apply_errors(form, error)
        return _form_page(form, case, appeal, preview=None, status=422)
    preview, message = _preview(
        lambda: letter_staff.preview_card(
            db.session, case.id, appeal.id if appeal else None, cleaned
        )
    )
    unit_of_work.rollback()
    return _form_page(form, case, appeal, preview=preview, preview_error=message, previewing=True)


@bp.route("/cases/<int:case_id>/appeals/new", methods=["GET", "POST"])
@editor_required
def new_appeal(case_id: int) -> Page:
    case: Case = db.get_or_404(Case, case_id)
    form = _appeal_form()
    if request.method == "GET":
        form.asks.data = ""
    if _wants_preview(form):
        return _typed_preview(form, case, None)
    appeal = editing.submit(
        form,
        lambda: letter_service.create_appeal(db.session, current_actor(), case, form.values()),
    )
    if appeal is not None:
        flash(_("Appeal created."), "success")
        return redirect(url_for("letters_staff.edit_appeal", appeal_id=appeal.id))
    return _form_page(form, case, None, preview=None, status=editing.form_status())


@bp.get("/appeals/<int:appeal_id>")
@staff_required
def appeal(appeal_id: int) -> Page:
    record: Appeal = db.get_or_404(Appeal, appeal_id)
    preview, message = _preview(lambda: letter_staff.staff_card(db.session, record.id))
    chart = letter_staff.counter_chart(db.session, [record.id], today())
    return render_template(
        "letters_staff/appeal.html",
        appeal=record,
        subject=letter_staff.filled_subject(db.session, record.id, today()),
        case=record.case,
        preview=preview,
        preview_error=message,
        chart=chart,
        papers=PAPERS,
    )


@bp.route("/appeals/<int:appeal_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_appeal(appeal_id: int) -> Page:
    record: Appeal = db.get_or_404(Appeal, appeal_id)
    case: Case = record.case
    form = _appeal_form()
    if request.method == "GET":
        form.load(record)
    if _wants_preview(form):
        return _typed_preview(form, case, record)
    result = editing.edit(
        form,
        lambda version: letter_service.update_appeal(
            db.session, current_actor(), record, form.values(), version
        ),
        record=record,
        changed_since=lambda version: letter_staff.changed_fields_since(
            db.session, "appeal", record.id, version
        ),
        shown=_appeal_value,
        every_field=AppealForm.FIELDS,
        done_url=lambda: url_for("letters_staff.edit_appeal", appeal_id=record.id),
    )
    if result.done is not None:
        return result.done
    preview, message = None, ""
    if not result.submitted:  # the saved letter, beside a form not (validly) sent
        preview, message = _preview(lambda: letter_staff.staff_card(db.session, record.id))
    return _form_page(
        form,
        case,
        record,
        preview=preview,
        preview_error=message,
        stale=result.stale,
        status=result.status,
    )


@bp.get("/appeals/<int:appeal_id>/letter.pdf")
@staff_required
def appeal_pdf(appeal_id: int) -> Page:
    """The real PDF of any appeal (drafts and closed appeals too), rendered afresh."""
    record: Appeal = db.get_or_404(Appeal, appeal_id)
    size = paper()
    try:
        card = letter_staff.staff_card(db.session, record.id)
        data = render_letter(
            card, paper=size, today=today(), organisation=organisation(), reader=current_language()
        )
    except LetterError as exc:
        flash(translate(exc.message), "error")
        return redirect(url_for("letters_staff.appeal", appeal_id=record.id))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        card.case.name, record.id, size
    ).replace("attachment", "inline", 1)
    return response


def _appeal_value(appeal: Appeal, name: str) -> str:
    if name == "campaign":
        return editing.shown(appeal.campaign.name if appeal.campaign else "")
    if name == "addressee_id":
        return editing.shown(appeal.addressee.name if appeal.addressee else "")
    if name == "copies_to":
        return editing.shown([a.name for a in appeal.copies_to])
    return editing.shown_value(appeal, name)
