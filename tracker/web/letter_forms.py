"""Staff forms for addressees, campaigns and appeals (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.domain.vocabulary import AppealKind, AppealStatus
from tracker.models import Addressee, Appeal, Campaign
from tracker.services.letters.fields import ADDRESSEE_FIELDS, APPEAL_FIELDS, CAMPAIGN_FIELDS
from tracker.web.forms import country_choices, options

KIND_CHOICES = [
    (AppealKind.APPEAL.value, "Appeal (to an official)"),
    (AppealKind.SOLIDARITY.value, "Solidarity (to the person or family)"),
]
APPEAL_STATUS_CHOICES = [
    (AppealStatus.DRAFT.value, "Draft (not on the public site)"),
    (AppealStatus.ACTIVE.value, "Active (supporters can write)"),
    (AppealStatus.CLOSED.value, "Closed"),
]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class AddresseeForm(FlaskForm):
    honorific = StringField("Honorific", validators=[Length(max=50)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    position = StringField("Position", validators=[Length(max=200)])
    institution = StringField("Institution", validators=[Length(max=300)])
    address_lines = TextAreaField("Postal address (one line per line)")
    country = SelectField("Country", validators=[DataRequired()])
    email = StringField("Email", validators=[Length(max=254)])
    salutation = StringField("Salutation", validators=[Length(max=200)])
    language = StringField("Language", default="en", validators=[Length(max=35)])
    version = HiddenField()

    FIELDS = ADDRESSEE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", "Choose a country"), *country_choices()])

    def load(self, addressee: Addressee) -> None:
        """Fill the form from a saved addressee."""
        for name in self.FIELDS:
            value = getattr(addressee, name)
            getattr(self, name).data = "\n".join(value) if name == "address_lines" else value
        self.version.data = str(addressee.version)

    def values(self) -> dict[str, Any]:
        """The typed values as the letters service expects them."""
        return {name: _text(getattr(self, name).data) for name in self.FIELDS}


class CampaignForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Slug (in web addresses)", validators=[Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    letter_target = IntegerField(
        "Letter target", default=0, validators=[Optional(), NumberRange(min=0)]
    )

    FIELDS = CAMPAIGN_FIELDS

    def load(self, campaign: Campaign) -> None:
        """Fill the form from a saved campaign."""
        for name in self.FIELDS:
            getattr(self, name).data = getattr(campaign, name)

    def values(self) -> dict[str, Any]:
        """The typed values as the letters service expects them."""
        out = {name: getattr(self, name).data for name in self.FIELDS}
        out["letter_target"] = out["letter_target"] or 0
        for name in ("name", "slug", "description"):
            out[name] = _text(out[name])
        return out


class AppealForm(FlaskForm):
    kind = SelectField("Kind", choices=options(KIND_CHOICES), default="appeal")
    language = StringField("Language (BCP 47 tag)", default="en", validators=[Length(max=35)])
    addressee_id = SelectField("Addressee", default="")
    copies_to = SelectMultipleField("Copies to", default=[])
    subject = StringField("Subject", validators=[Length(max=300)])
    body = TextAreaField("Body", validators=[Length(max=20_000)])
    asks = TextAreaField("Asks (one per line)")
    deadline = DateField("Take action before", validators=[Optional()])
    status = SelectField("Status", choices=options(APPEAL_STATUS_CHOICES), default="draft")
    campaign = SelectField("Campaign", default="")
    version = HiddenField()

    FIELDS = APPEAL_FIELDS

    def __init__(
        self,
        *args: Any,
        addressees: list[tuple[str, str]] | None = None,
        campaigns: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.addressee_id.choices = options([("", "No addressee"), *(addressees or [])])
        self.copies_to.choices = options(addressees or [])
        self.campaign.choices = options([("", "No campaign"), *(campaigns or [])])

    def load(self, appeal: Appeal) -> None:
        """Fill the form from a saved appeal."""
        self.kind.data = appeal.kind
        self.language.data = appeal.language
        self.addressee_id.data = str(appeal.addressee_id or "")
        self.copies_to.data = [str(a.id) for a in appeal.copies_to]
        self.subject.data = appeal.subject
        self.body.data = appeal.body
        self.asks.data = "\n".join(appeal.asks or [])
        self.deadline.data = appeal.deadline
        self.status.data = appeal.status
        self.campaign.data = appeal.campaign.slug if appeal.campaign else ""
        self.version.data = str(appeal.version)

    def values(self) -> dict[str, Any]:
        """The typed values as the letters service expects them."""
        out: dict[str, Any] = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("kind", "language", "subject", "body", "asks", "status", "campaign"):
            out[name] = _text(out[name])
        out["addressee_id"] = out["addressee_id"] or None
        out["copies_to"] = list(out["copies_to"] or [])
        return out
