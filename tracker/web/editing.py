"""The staff form pattern, once: save through a service, refuse bad input, explain a stale edit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker import labels, unit_of_work
from tracker.domain.errors import StaleEdit, ValidationError
from tracker.web.forms import apply_errors, submitted_version

T = TypeVar("T")
Page = str | tuple[str, int] | Response


@dataclass
class Edit:
    """What became of a submitted edit form: a redirect, or the form again with a status."""

    status: int = 200
    stale: list[tuple[str, str]] = field(default_factory=list)
    done: Response | None = None
    submitted: bool = False  # the form was valid and went to the service


def submit(form: FlaskForm, save: Callable[[], T]) -> T | None:
    """Validate the form and call the service; None when the form was refused or not sent.

    A ValidationError rolls the unit of work back at once (the page is rendered from fresh
    rows) and is shown beside the fields it names.
    """
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except ValidationError as error:
        unit_of_work.rollback()
        apply_errors(form, error)
        return None


def saved(form: FlaskForm, save: Callable[[], object]) -> bool:
    """`submit` for a service that returns nothing: True when the form was sent and saved."""

    def call() -> bool:
        save()
        return True

    return submit(form, call) is not None


def form_status() -> int:
    """The status of a form page shown again: 422 after a refused submission, else 200."""
    return 422 if request.method == "POST" else 200


def edit(
    form: FlaskForm,
    save: Callable[[int], Sequence[str]],
    *,
    done_url: Callable[[], str],
    record: Any = None,
    changed_since: Callable[[int], Sequence[str]] | None = None,
    shown: Callable[[Any, str], str] | None = None,
    every_field: Sequence[str] = (),
    name_changes: bool = True,
) -> Edit:
    """Save an edit form made from a version of `record`, or say why not.

    `save(version)` calls the service (version -1 for records without one) and returns
    the names of the fields it changed. A ValidationError rolls back and is shown on the form
    (422). A StaleEdit rolls back, reloads the record and lists what others changed since
    the version the editor saw, with today's values (409); the typed input stays and the
    form takes the current version, so the next save knowingly replaces it.
    """
    if not form.validate_on_submit():
        return Edit(status=form_status())
    version = submitted_version(form) if hasattr(form, "version") else -1
    try:
        changed = list(save(version))
    except ValidationError as error:
        unit_of_work.rollback()
        apply_errors(form, error)
        return Edit(status=422, submitted=True)
    except StaleEdit as error:
        unit_of_work.rollback()  # expires `record`: what it shows next is read afresh
        names = list(error.changed_fields)
        if not names and changed_since is not None:
            names = list(changed_since(version))
        show = shown or shown_value
        stale = [(field_label(form, n), show(record, n)) for n in names or every_field]
        form.version.data = str(record.version)
        return Edit(status=409, stale=stale, submitted=True)
    if changed and name_changes:
        fields = ", ".join(field_label(form, n) for n in changed)
        flash(_("Saved: %(fields)s.", fields=fields), "success")
    elif changed:
        flash(_("Saved."), "success")
    else:
        flash(_("Nothing had changed."), "info" if name_changes else "success")
    return Edit(done=redirect(done_url()), submitted=True)


def field_label(form: FlaskForm, name: str) -> str:
    """The label a person reads for a field of the form."""
    if name == "status":
        return _("Status")
    found = getattr(form, name, None)
    return str(found.label.text) if found is not None else name.replace("_", " ").capitalize()


# Fields whose stored token is shown as its label in the reader's language, by record type.
_TOKEN_LABELS: dict[tuple[str, str], Callable[[str | None], str]] = {
    ("Case", "category"): labels.category_label,
    ("Case", "status"): labels.status_label,
    ("Facility", "kind"): labels.facility_kind_label,
    ("Appeal", "kind"): labels.appeal_kind_label,
    ("Appeal", "status"): labels.appeal_status_label,
}


def shown_value(record: Any, name: str) -> str:
    """A field's current value as a short text for the stale-edit warning."""
    value = getattr(record, name, "")
    if name == "country" and value:
        return labels.country_name(value)
    label = _TOKEN_LABELS.get((type(record).__name__, name))
    return label(value) if label is not None and value else shown(value)


def shown(value: Any) -> str:
    """A value as a short text: lists joined, yes/no, "(empty)", cut at 120 characters."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if value is None or value == "":
        return _("(empty)")
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"
