"""Staff forms for facilities, placements, hearings and letter reports (each with a CSRF token)."""

from __future__ import annotations

import re
from typing import Any

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

KIND_CHOICES = [(k.value, k.label) for k in FacilityKind]
HEARING_CHOICES = [(k.value, k.label) for k in HearingKind]
REPORT_CHOICES = [
    (LetterReportKind.RETURNED.value, "Returned to sender"),
    (LetterReportKind.REPLY.value, "A reply came"),
    (LetterReportKind.DELIVERED.value, "Delivered (confirmed by family or lawyer)"),
]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FacilityForm(FlaskForm):
    name = StringField("Name (Latin script)", validators=[DataRequired(), Length(max=200)])
    name_native = StringField("Name in the local script", validators=[Length(max=200)])
    kind = SelectField("Kind", choices=options(KIND_CHOICES), default="prison")
    country = SelectField("Country", validators=[DataRequired()])
    address_lines = TextAreaField("Postal address, Latin script (one line per line)")
    address_lines_native = TextAreaField("Postal address, local script (one line per line)")
    accepts_letters = BooleanField("Accepts letters", default=True)
    address_verified_on = DateField("Address verified on", validators=[Optional()])
    languages = StringField("Languages the censor lets through", validators=[Length(max=300)])
    envelope = TextAreaField("The envelope must carry (one per line)")
    allowed = TextAreaField("May be enclosed (one per line)")
    forbidden = TextAreaField("Must not be written or enclosed (one per line)")
    notes = TextAreaField("Notes for letter writers", validators=[Length(max=2000)])
    version = HiddenField()

    FIELDS = FACILITY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", "Choose a country"), *country_choices()])

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
    facility_id = SelectField("Facility", validators=[DataRequired()])
    effective_on = DateField("Moved there on", validators=[DataRequired()])
    precision = SelectField(
        "How much of the date is known", choices=options(PRECISION_CHOICES), default="day"
    )
    public_note = TextAreaField("Public note", validators=[Length(max=2000)])
    source_url = URLField("Source (web address)", validators=[Optional(), URL(), Length(max=2000)])


class HearingForm(FlaskForm):
    on = DateField("Date", validators=[DataRequired()])
    kind = SelectField("Kind", choices=options(HEARING_CHOICES), default="hearing")
    court = StringField("Court", validators=[Length(max=300)])
    public_note = TextAreaField("Public note", validators=[Length(max=2000)])


class LetterReportForm(FlaskForm):
    kind = SelectField("What happened", choices=options(REPORT_CHOICES), default="returned")
    on = DateField("On", validators=[DataRequired()])
    count = IntegerField(
        "How many letters", default=1, validators=[DataRequired(), NumberRange(min=1, max=10_000)]
    )
    note = TextAreaField("Note", validators=[Length(max=2000)])
