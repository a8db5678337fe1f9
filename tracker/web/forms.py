"""The staff forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from typing import Any

import pycountry
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

from tracker.domain.errors import ValidationError
from tracker.domain.vocabulary import Category, Precision, ReleaseKind, Role, Status


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country, by name."""
    countries = sorted(
        (c.alpha_2, str(getattr(c, "common_name", None) or c.name)) for c in pycountry.countries
    )
    return sorted(countries, key=lambda pair: pair[1])


CATEGORY_CHOICES = [(c.value, c.label) for c in Category]
STATUS_CHOICES = [(s.value, s.label) for s in Status]
RELEASE_KIND_CHOICES = [("", "— not a release —"), *[(k.value, k.label) for k in ReleaseKind]]
PRECISION_CHOICES = [
    (Precision.DAY.value, "Exact day"),
    (Precision.MONTH.value, "Month only"),
    (Precision.YEAR.value, "Year only"),
]
CONSENT_CHOICES = [("", "—"), ("person", "The person"), ("family", "Family"), ("lawyer", "Lawyer")]
ROLE_CHOICES = [(r.value, r.value.capitalize()) for r in Role]


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's field errors beside the fields they concern."""
    for name, message in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)
    if not error.field_errors:
        form.form_errors.append(error.message)


def submitted_version(form: FlaskForm) -> int:
    """The version the editor saw, from the form's hidden field; -1 (never current) if garbled."""
    text = form.version.data or ""
    return int(text) if text.isdigit() else -1


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CaseForm(FlaskForm):
    reference = StringField("Reference", validators=[DataRequired(), Length(max=64)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    name_native = StringField("Name in native script", validators=[Length(max=200)])
    country = SelectField("Country", validators=[DataRequired()])
    category = SelectField(
        "Category", choices=options(CATEGORY_CHOICES), validators=[DataRequired()]
    )
    profession = StringField("Profession", validators=[Length(max=300)])
    arrested_on = DateField("Arrested on", validators=[Optional()])
    place_of_detention = StringField("Place of detention", validators=[Length(max=300)])
    charges = TextAreaField("Charges")
    sentence = TextAreaField("Sentence")
    summary = TextAreaField("Summary")
    assigned_to_id = SelectField("Assigned caseworker", default="")
    is_public = BooleanField("Show on the public site")
    consent_publicity = BooleanField("Publicity consent recorded")
    consent_publicity_by = SelectField(
        "Publicity consent given by", choices=options(CONSENT_CHOICES), default=""
    )
    consent_publicity_on = DateField("Publicity consent date", validators=[Optional()])
    consent_photo = BooleanField("Photo consent recorded")
    consent_photo_by = SelectField(
        "Photo consent given by", choices=options(CONSENT_CHOICES), default=""
    )
    consent_photo_on = DateField("Photo consent date", validators=[Optional()])
    consent_detention_address = BooleanField("Detention address may go on solidarity mail")
    # Private: staff only.
    internal_notes = TextAreaField("Internal notes")
    health_notes = TextAreaField("Health and risk notes")
    family_contacts = TextAreaField("Family contacts")
    lawyer_contact = TextAreaField("Lawyer contact")
    detention_address = TextAreaField("Detention address")
    version = HiddenField()

    PUBLIC_FIELDS = (
        "reference",
        "full_name",
        "name_native",
        "country",
        "category",
        "profession",
        "arrested_on",
        "place_of_detention",
        "charges",
        "sentence",
        "summary",
    )
    CONSENT_FIELDS = (
        "is_public",
        "consent_publicity",
        "consent_publicity_by",
        "consent_publicity_on",
        "consent_photo",
        "consent_photo_by",
        "consent_photo_on",
        "consent_detention_address",
    )
    PRIVATE_FIELDS = (
        "internal_notes",
        "health_notes",
        "family_contacts",
        "lawyer_contact",
        "detention_address",
    )

    def __init__(
        self, *args: Any, caseworkers: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", "Choose a country"), *country_choices()])
        self.assigned_to_id.choices = options([("", "Nobody"), *(caseworkers or [])])

    def case_fields(self) -> dict[str, Any]:
        """The typed values as the case service expects them."""
        names = (*self.PUBLIC_FIELDS, *self.CONSENT_FIELDS, *self.PRIVATE_FIELDS, "assigned_to_id")
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(self, name).data
            out[name] = value if value is not None else ("" if name not in DATE_NAMES else None)
        return out


DATE_NAMES = ("arrested_on", "consent_publicity_on", "consent_photo_on")


class StatusForm(FlaskForm):
    status = SelectField("New status", validators=[DataRequired()])
    release_kind = SelectField("Release kind", choices=options(RELEASE_KIND_CHOICES), default="")
    effective_on = DateField("Date it took effect", validators=[DataRequired()])
    precision = SelectField(
        "How much of the date is known", choices=options(PRECISION_CHOICES), default="day"
    )
    is_correction = BooleanField(
        "This corrects the history (the date may precede the latest change)"
    )
    note = TextAreaField("Internal note")
    public_note = TextAreaField("Public note (shown to supporters)")
    source_url = URLField("Source (web address)", validators=[Optional(), URL(), Length(max=2000)])


class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Length(max=200)])
    role = SelectField("Role", choices=options(ROLE_CHOICES), default=Role.VIEWER.value)
    password = PasswordField(
        "Initial password", validators=[DataRequired(), Length(min=12, max=128)]
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options(ROLE_CHOICES))


class PasswordResetForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(min=12, max=128)])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: changes nothing

    user = SelectField("User")
    case = StringField("Case (id or reference)", validators=[Length(max=64)])
