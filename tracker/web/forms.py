"""The staff forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional

from tracker.domain.case_fields import CaseField, Kind, case_fields
from tracker.domain.errors import ValidationError
from tracker.domain.vocabulary import Category, Precision, ReleaseKind, Role, Status
from tracker.labels import country_choices, translate

# Labels are lazy: each form shows them in the language of the request that renders it.
CATEGORY_CHOICES = [(c.value, _l(c.label)) for c in Category]
STATUS_CHOICES = [(s.value, _l(s.label)) for s in Status]
RELEASE_KIND_CHOICES = [
    ("", _l("— not a release —")),
    *[(k.value, _l(k.label)) for k in ReleaseKind],
]
PRECISION_CHOICES = [
    (Precision.DAY.value, _l("Exact day")),
    (Precision.MONTH.value, _l("Month only")),
    (Precision.YEAR.value, _l("Year only")),
]
CONSENT_CHOICES = [
    ("", "—"),
    ("person", _l("The person")),
    ("family", _l("Family")),
    ("lawyer", _l("Lawyer")),
]
ROLE_CHOICES = [(r.value, _l(r.label)) for r in Role]


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's field errors beside the fields they concern, in the reader's language."""
    for name, problem in error.field_errors.items():
        message = translate(problem)
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)
    if not error.field_errors:
        form.form_errors.append(translate(error.message))


def submitted_version(form: FlaskForm) -> int:
    """The version the editor saw, from the form's hidden field; -1 (never current) if garbled."""
    text = form.version.data or ""
    return int(text) if text.isdigit() else -1


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def _case_field(spec: CaseField) -> Any:
    """The WTForms field for one declared case field."""
    checks: list[Any] = [DataRequired()] if spec.required else []
    if spec.max_length is not None:
        checks.append(Length(max=spec.max_length))
    label = _l(spec.label)
    if spec.kind is Kind.TEXT:
        return TextAreaField(label, validators=checks)
    if spec.kind in (Kind.REFERENCE, Kind.LINE):
        return StringField(label, validators=checks)
    if spec.kind is Kind.BOOL:
        return BooleanField(label)
    if spec.kind is Kind.DATE:
        return DateField(label, validators=[Optional()])
    if spec.kind is Kind.PRECISION:
        return SelectField(label, choices=options(PRECISION_CHOICES), default=Precision.DAY.value)
    if spec.kind is Kind.CHOICE:
        labels = CHOICE_LABELS.get(spec.name, {})
        pairs = [(v, labels.get(v, v)) for v in spec.choices]
        if not spec.required:
            pairs = [("", "—"), *pairs]
        return SelectField(label, choices=options(pairs), validators=checks, default="")
    # COUNTRY and USER: the choices are filled in when the form is made.
    return SelectField(label, validators=checks, default="")


# How a choice is shown, where it is not the value itself.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "category": dict(CATEGORY_CHOICES),
    "consent_publicity_by": dict(CONSENT_CHOICES),
    "consent_photo_by": dict(CONSENT_CHOICES),
    "consent_detention_address_by": dict(CONSENT_CHOICES),
}


class CaseFormBase(FlaskForm):
    """The case form; its fields come from the declaration (tracker/domain/case_fields.py)."""

    version = HiddenField()
    declared: tuple[CaseField, ...] = ()

    def __init__(
        self, *args: Any, caseworkers: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        obj = kwargs.get("obj")
        super().__init__(*args, **kwargs)
        for spec in self.declared:
            field = getattr(self, spec.name)
            if spec.kind is Kind.COUNTRY:
                field.choices = options([("", _l("Choose a country")), *country_choices()])
            elif spec.kind is Kind.USER:
                field.choices = options([("", _l("Nobody")), *(caseworkers or [])])
            if obj is not None and isinstance(field, SelectField):
                value = getattr(obj, spec.name)
                field.data = "" if value is None else str(value)
        if obj is not None:
            self.version.data = str(obj.version)

    def case_fields(self) -> dict[str, Any]:
        """The typed values as the case service expects them."""
        out: dict[str, Any] = {}
        for spec in self.declared:
            value = getattr(self, spec.name).data
            out[spec.name] = value if value is not None or spec.kind is Kind.DATE else ""
        return out


def case_form_class(declared: tuple[CaseField, ...]) -> type[CaseFormBase]:
    """A form class with one field per declared case field."""
    attrs: dict[str, Any] = {spec.name: _case_field(spec) for spec in declared}
    attrs["declared"] = declared
    return type("CaseForm", (CaseFormBase,), attrs)


CaseForm = case_form_class(case_fields())


class StatusForm(FlaskForm):
    # Not checked against the offered choices: a move the rules refuse (say the status changed
    # in another tab meanwhile) is refused by the service, which says why.
    status = SelectField(_l("New status"), validators=[DataRequired()], validate_choice=False)
    release_kind = SelectField(
        _l("Release kind"), choices=options(RELEASE_KIND_CHOICES), default=""
    )
    effective_on = DateField(_l("Date it took effect"), validators=[DataRequired()])
    precision = SelectField(
        _l("How much of the date is known"), choices=options(PRECISION_CHOICES), default="day"
    )
    is_correction = BooleanField(
        _l("This corrects the history (the date may precede the latest change)")
    )
    note = TextAreaField(_l("Internal note"))
    public_note = TextAreaField(_l("Public note (shown to supporters)"))
    source_url = URLField(
        _l("Source (web address)"), validators=[Optional(), URL(), Length(max=2000)]
    )


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES), default=Role.VIEWER.value)
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=12, max=128)]
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=12, max=128)]
    )


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: changes nothing

    user = SelectField(_l("User"))
    case = StringField(_l("Case (id or reference)"), validators=[Length(max=64)])
