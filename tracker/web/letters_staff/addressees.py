"""The addressee directory: list, add and edit (with the stale-edit check)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.models import Addressee
from tracker.services.letters import editing as letter_service
from tracker.services.letters import staff as letter_staff
from tracker.web import editing
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.letter_forms import AddresseeForm
from tracker.web.letters_staff import Page, bp


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
    addressee = editing.submit(
        form, lambda: letter_service.create_addressee(db.session, current_actor(), form.values())
    )
    if addressee is not None:
        flash(_("Addressee %(name)s added to the directory.", name=addressee.name), "success")
        return redirect(url_for("letters_staff.addressees"))
    return render_template(
        "letters_staff/addressee_form.html", form=form, addressee=None
    ), editing.form_status()


@bp.route("/addressees/<int:addressee_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_addressee(addressee_id: int) -> Page:
    record: Addressee = db.get_or_404(Addressee, addressee_id)
    form = AddresseeForm()
    if not form.is_submitted():
        form.load(record)
    result = editing.edit(
        form,
        lambda version: letter_service.update_addressee(
            db.session, current_actor(), record, form.values(), version
        ),
        record=record,
        changed_since=lambda version: letter_staff.changed_fields_since(
            db.session, "addressee", record.id, version
        ),
        every_field=AddresseeForm.FIELDS,
        done_url=lambda: url_for("letters_staff.addressees"),
    )
    if result.done is not None:
        return result.done
    return render_template(
        "letters_staff/addressee_form.html",
        form=form,
        addressee=record,
        stale=result.stale,
        usage=letter_staff.addressee_usage(db.session).get(record.id, 0),
    ), result.status
