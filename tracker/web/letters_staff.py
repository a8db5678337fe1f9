"""Staff pages for letters: the addressee directory, campaigns, and appeals with their preview."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError

from tracker.domain.errors import NotFound, StaleEdit, ValidationError
from tracker.extensions import db
from tracker.models import Addressee, Appeal, Campaign, Case
from tracker.pdf import ASSET_BASE
from tracker.services.letters import editing as letter_service
from tracker.services.letters import staff as letter_staff
from tracker.services.letters.compose import PAPERS, LetterError, letter_html
from tracker.services.letters.render import content_disposition, render_letter
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.objects import AppealCard
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.forms import apply_errors, submitted_version
from tracker.web.letter_forms import AddresseeForm, AppealForm, CampaignForm

bp = Blueprint("letters_staff", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response
_BODY_RE = re.compile(r"<body>(.*)</body>", re.DOTALL)


def _today() -> dt.date:
    return dt.date.today()


def _organisation() -> str:
    return str(current_app.config["ORGANISATION_NAME"])


# -- addressees ---------------------------------------------------------------------------------


@bp.get("/addressees")
@staff_required
def addressees() -> Page:
    return render_template(
        "letters_staff/addressees.html",
        addressees=letter_staff.all_addressees(db.session),
        usage=letter_staff.addressee_usage(db.session),
    )


@bp.route("/addressees/new", methods=["GET", "POST"])
@editor_required
def new_addressee() -> Page:
    form = AddresseeForm()
    status = 200
    if form.validate_on_submit():
        try:
            addressee = letter_service.create_addressee(db.session, current_actor(), form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Addressee {addressee.name} added to the directory.", "success")
            return redirect(url_for("letters_staff.addressees"))
    if request.method == "POST":
        status = 422
    return render_template("letters_staff/addressee_form.html", form=form, addressee=None), status


@bp.route("/addressees/<int:addressee_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_addressee(addressee_id: int) -> Page:
    record: Addressee = db.get_or_404(Addressee, addressee_id)
    form = AddresseeForm()
    if request.method == "GET":
        form.load(record)
    stale: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        version = submitted_version(form)
        try:
            changed = letter_service.update_addressee(
                db.session, current_actor(), record, form.values(), version
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 422
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            record = db.get_or_404(Addressee, addressee_id)
            names = letter_staff.changed_fields_since(
                db.session, "addressee", record.id, version
            ) or list(AddresseeForm.FIELDS)
            stale = [(_label(form, n), _shown(getattr(record, n, ""))) for n in names]
            form.version.data = str(record.version)
            status = 409
        else:
            db.session.commit()
            if changed:
                flash("Saved: " + ", ".join(_label(form, n) for n in changed) + ".", "success")
            else:
                flash("Nothing had changed.", "info")
            return redirect(url_for("letters_staff.addressees"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "letters_staff/addressee_form.html",
        form=form,
        addressee=record,
        stale=stale,
        usage=letter_staff.addressee_usage(db.session).get(record.id, 0),
    ), status


# -- campaigns ----------------------------------------------------------------------------------


@bp.get("/campaigns")
@staff_required
def campaigns() -> Page:
    return render_template(
        "letters_staff/campaigns.html", campaigns=letter_staff.all_campaigns(db.session)
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@editor_required
def new_campaign() -> Page:
    form = CampaignForm()
    status = 200
    if form.validate_on_submit():
        try:
            campaign = letter_service.create_campaign(db.session, current_actor(), form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Campaign {campaign.name} created.", "success")
            return redirect(url_for("letters_staff.campaign", campaign_id=campaign.id))
    if request.method == "POST":
        status = 422
    return render_template("letters_staff/campaign_form.html", form=form, campaign=None), status


@bp.get("/campaigns/<int:campaign_id>")
@staff_required
def campaign(campaign_id: int) -> Page:
    record: Campaign = db.get_or_404(Campaign, campaign_id)
    appeals = letter_staff.appeals_of_campaign(db.session, record.id)
    chart = letter_staff.counter_chart(db.session, [a.id for a in appeals], _today())
    printable = public_service.active_campaign_appeals(db.session, record.slug)
    return render_template(
        "letters_staff/campaign.html",
        campaign=record,
        appeals=appeals,
        chart=chart,
        printable=len(printable),
        papers=PAPERS,
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_campaign(campaign_id: int) -> Page:
    record: Campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm()
    if request.method == "GET":
        form.load(record)
    status = 200
    if form.validate_on_submit():
        try:
            changed = letter_service.update_campaign(
                db.session, current_actor(), record, form.values()
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 422
        else:
            db.session.commit()
            flash("Saved." if changed else "Nothing had changed.", "success")
            return redirect(url_for("letters_staff.campaign", campaign_id=record.id))
    elif request.method == "POST":
        status = 422
    return render_template("letters_staff/campaign_form.html", form=form, campaign=record), status


def _paper() -> str:
    paper = (request.args.get("paper") or "a4").lower()
    if paper not in PAPERS:
        abort(400)
    return paper


# -- appeals ------------------------------------------------------------------------------------


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
    html = letter_html(card, today=_today(), organisation=_organisation())
    match = _BODY_RE.search(html)
    inner = match.group(1) if match else ""
    # The letter template escapes every value; only the asset base is rewritten here.
    return Markup(inner.replace(ASSET_BASE, url_for("static", filename="")))  # noqa: S704


def _preview(card_fn: Any) -> tuple[Markup | None, str]:
    try:
        return preview_html(card_fn()), ""
    except (LetterError, NotFound) as exc:
        return None, exc.message


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
    ), status


def _typed_preview(form: AppealForm, case: Case, appeal: Appeal | None) -> Page:
    """Check the typed fields and show the letter they would print, saving nothing."""
    try:
        cleaned = letter_service.clean_appeal_fields(db.session, form.values())
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error)
        return _form_page(form, case, appeal, preview=None, status=422)
    preview, message = _preview(
        lambda: letter_staff.preview_card(
            db.session, case.id, appeal.id if appeal else None, cleaned
        )
    )
    db.session.rollback()
    return _form_page(form, case, appeal, preview=preview, preview_error=message, previewing=True)


@bp.route("/cases/<int:case_id>/appeals/new", methods=["GET", "POST"])
@editor_required
def new_appeal(case_id: int) -> Page:
    case: Case = db.get_or_404(Case, case_id)
    form = _appeal_form()
    if request.method == "GET":
        form.asks.data = ""
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            return _typed_preview(form, case, None)
        try:
            appeal = letter_service.create_appeal(db.session, current_actor(), case, form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Appeal created.", "success")
            return redirect(url_for("letters_staff.edit_appeal", appeal_id=appeal.id))
    status = 422 if request.method == "POST" else 200
    return _form_page(form, case, None, preview=None, status=status)


@bp.get("/appeals/<int:appeal_id>")
@staff_required
def appeal(appeal_id: int) -> Page:
    record: Appeal = db.get_or_404(Appeal, appeal_id)
    preview, message = _preview(lambda: letter_staff.staff_card(db.session, record.id))
    chart = letter_staff.counter_chart(db.session, [record.id], _today())
    return render_template(
        "letters_staff/appeal.html",
        appeal=record,
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
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        preview, message = _preview(lambda: letter_staff.staff_card(db.session, record.id))
        return _form_page(form, case, record, preview=preview, preview_error=message, status=status)
    if request.form.get("action") == "preview":
        return _typed_preview(form, case, record)
    version = submitted_version(form)
    try:
        changed = letter_service.update_appeal(
            db.session, current_actor(), record, form.values(), version
        )
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error)
        return _form_page(form, case, record, preview=None, status=422)
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        record = db.get_or_404(Appeal, appeal_id)
        names = letter_staff.changed_fields_since(db.session, "appeal", record.id, version)
        stale = [(_label(form, n), _appeal_value(record, n)) for n in names or AppealForm.FIELDS]
        # The typed input stays; the next save knowingly replaces the newer version.
        form.version.data = str(record.version)
        return _form_page(form, case, record, preview=None, stale=stale, status=409)
    db.session.commit()
    if changed:
        flash("Saved: " + ", ".join(_label(form, n) for n in changed) + ".", "success")
    else:
        flash("Nothing had changed.", "info")
    return redirect(url_for("letters_staff.edit_appeal", appeal_id=record.id))


@bp.get("/appeals/<int:appeal_id>/letter.pdf")
@staff_required
def appeal_pdf(appeal_id: int) -> Page:
    """The real PDF of any appeal (drafts and closed appeals too), rendered afresh."""
    record: Appeal = db.get_or_404(Appeal, appeal_id)
    paper = _paper()
    try:
        card = letter_staff.staff_card(db.session, record.id)
        data = render_letter(card, paper=paper, today=_today(), organisation=_organisation())
    except LetterError as exc:
        flash(exc.message, "error")
        return redirect(url_for("letters_staff.appeal", appeal_id=record.id))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        card.case.name, record.id, paper
    ).replace("attachment", "inline", 1)
    return response


# -- helpers --------------------------------------------------------------------------------------


def _label(form: Any, name: str) -> str:
    field = getattr(form, name, None)
    return str(field.label.text) if field is not None else name.replace("_", " ").capitalize()


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _appeal_value(appeal: Appeal, name: str) -> str:
    if name == "campaign":
        return _shown(appeal.campaign.name if appeal.campaign else "")
    if name == "addressee_id":
        return _shown(appeal.addressee.name if appeal.addressee else "")
    if name == "copies_to":
        return _shown([a.name for a in appeal.copies_to])
    return _shown(getattr(appeal, name, ""))


@bp.app_template_global("case_letters")
def case_letters(case_id: int) -> dict[str, Any]:
    """The appeals of a case and their counters, for the appeals section of the case page."""
    appeals = letter_staff.appeals_of_case(db.session, case_id)
    chart = letter_staff.counter_chart(db.session, [a.id for a in appeals], _today())
    return {"appeals": appeals, "chart": chart}
