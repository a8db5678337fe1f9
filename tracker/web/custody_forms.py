"""Staff forms for facilities, placements, hearings and letter reports (each with a CSRF token)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from tracker.domain.custody import FacilityKind, HearingKind, LetterReportKind, LetterRules
from tracker.models import Facility
from tracker.services.custody.facilities import FACILITY_FIELDS
from tracker.web.forms import PRECISION_CHOICES, country_choices, options

# Labels are lazy: each form shows them in the language of the request that renders it.
KIND_CHOICES = [(k.value, _l(k.label)) for k in FacilityKind]
HEARING_CHOICES = [(k.value, _l(k.label)) for k in HearingKind]
REPORT_CHOICES = [
    (LetterReportKind.RETURNED.value, _l("Returned to sender")),
    (LetterReportKind.REPLY.value, _l("A reply came")),
    (LetterReportKind.DELIVERED.value, _l("Delivered (confirmed by family or lawyer)")),
]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FacilityForm(FlaskForm):
    name = StringField(_l("Name (Latin script)"), validators=[DataRequired(), Length(max=200)])
    name_native = StringField(_l("Name in the local script"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"), choices=options(KIND_CHOICES), default="prison")
    country = SelectField(_l("Country"), validators=[DataRequired()])
    address_lines = TextAreaField(_l("Postal address, Latin script (one line per line)"))
    address_lines_native = TextAreaField(_l("Postal address, local script (one line per line)"))
    accepts_letters = BooleanField(_l("Accepts letters"), default=True)
    address_verified_on = DateField(_l("Address verified on"), validators=[Optional()])
    languages = StringField(_l("Languages the censor lets through"), validators=[Length(max=300)])
    envelope = TextAreaField(_l("The envelope must carry (one per line)"))
    allowed = TextAreaField(_l("May be enclosed (one per line)"))
    forbidden = TextAreaField(_l("Must not be written or enclosed (one per line)"))
    notes = TextAreaField(_l("Notes for letter writers"), validators=[Length(max=2000)])
    version = HiddenField()

    FIELDS = FACILITY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", _l("Choose a country")), *country_choices()])

    def load(self, facility: Facility) -> None:
        """Fill the form from a saved facility."""
        self.name.data = facility.name
        self.name_native.data = facility.name_native
        self.kind.data = facility.kind
        self.country.data = facility.country
        self.address_lines.data = "\n".join(facility.address_lines or [])
        self.address_lines_native.data = "\n".join(facility.address_lines_native or [])
        self.accepts_letters.data = facility.accepts_letters
        self.address_verified_on.data = facility.address_verified_on
        rules = LetterRules.from_stored(facility.letter_rules)
        self.languages.data = " ".join(rules.languages)
        self.envelope.data = "\n".join(rules.envelope)
        self.allowed.data = "\n".join(rules.allowed)
        self.forbidden.data = "\n".join(rules.forbidden)
        self.notes.data = rules.notes
        self.version.data = str(facility.version)

    def values(self) -> dict[str, Any]:
        """The typed values as the facility service expects them."""
        return {
            "name": self.name.data or "",
            "name_native": self.name_native.data or "",
            "kind": self.kind.data or "prison",
            "country": self.country.data or "",
            "address_lines": _lines(self.address_lines.data),
            "address_lines_native": _lines(self.address_lines_native.data),
            "accepts_letters": bool(self.accepts_letters.data),
            "address_verified_on": self.address_verified_on.data,
            "letter_rules": {
                "languages": [t for t in re.split(r"[\s,;]+", self.languages.data or "") if t],
                "envelope": _lines(self.envelope.data),
                "allowed": _lines(self.allowed.data),
                "forbidden": _lines(self.forbidden.data),
                "notes": self.notes.data or "",
            },
        }


class PlacementForm(FlaskForm):
    facility_id = SelectField(_l("Facility"), validators=[DataRequired()])
    effective_on = DateField(_l("Moved there on"), validators=[DataRequired()])
    precision = SelectField(
        _l("How much of the date is known"), choices=options(PRECISION_CHOICES), default="day"
    )
    public_note = TextAreaField(_l("Public note"), validators=[Length(max=2000)])
    source_url = URLField(
        _l("Source (web address)"), validators=[Optional(), URL(), Length(max=2000)]
    )


class HearingForm(FlaskForm):
    on = DateField(_l("Date"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=options(HEARING_CHOICES), default="hearing")
    court = StringField(_l("Court"), validators=[Length(max=300)])
    public_note = TextAreaField(_l("Public note"), validators=[Length(max=2000)])


class LetterReportForm(FlaskForm):
    kind = SelectField(_l("What happened"), choices=options(REPORT_CHOICES), default="returned")
    on = DateField(_l("Date"), validators=[DataRequired()])
    count = IntegerField(
        _l("How many letters"),
        default=1,
        validators=[DataRequired(), NumberRange(min=1, max=10_000)],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
