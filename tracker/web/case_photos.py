"""The photo of a case on the staff site: upload (re-encoded by services.cases.photos), removal,
and the staff's own view of it whatever the consent.

Routes of the `staff` blueprint (tracker.web.staff), kept here so each module stays short.
"""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from tracker import unit_of_work
from tracker.domain.errors import ValidationError
from tracker.extensions import db
from tracker.labels import translate
from tracker.models import Case
from tracker.services.cases.photos import MAX_UPLOAD_BYTES, remove_photo, set_photo
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.staff import bp


@bp.post("/cases/<int:case_id>/photo")
@editor_required
def upload_photo(case_id: int) -> ResponseReturnValue:
    record = db.get_or_404(Case, case_id)
    back = redirect(url_for("staff.edit_case", case_id=record.id) + "#photo")
    try:
        if request.form.get("remove"):
            remove_photo(db.session, current_actor(), record)
            flash(_("The photo was removed."), "success")
            return back
        upload = request.files.get("photo")
        data = upload.stream.read(MAX_UPLOAD_BYTES + 1) if upload else b""
        set_photo(db.session, current_actor(), record, data)
    except ValidationError as error:
        unit_of_work.rollback()
        flash(translate(error.field_errors.get("photo", error.message)), "error")
        return back
    flash(_("Photo saved (re-encoded, without location or camera data)."), "success")
    return back


@bp.get("/cases/<int:case_id>/photo")
@staff_required
def photo(case_id: int) -> ResponseReturnValue:
    record = db.get_or_404(Case, case_id)
    if not record.photo_type or record.photo is None:
        return Response(status=404)
    response = Response(bytes(record.photo), mimetype=record.photo_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
