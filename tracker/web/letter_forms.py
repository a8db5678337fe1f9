"""Staff forms for addressees, campaigns and appeals (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
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

# Labels are lazy: each form shows them in the language of the request that renders it.
KIND_CHOICES = [
    (AppealKind.APPEAL.value, _l("Appeal (to an official)")),
    (AppealKind.SOLIDARITY.value, _l("Solidarity (to the person or family)")),
]
APPEAL_STATUS_CHOICES = [
    (AppealStatus.DRAFT.value, _l("Draft (not on the public site)")),
    (AppealStatus.ACTIVE.value, _l("Active (supporters can write)")),
    (AppealStatus.CLOSED.value, _l("Closed (no longer open to letters)")),
]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class AddresseeForm(FlaskForm):
    honorific = StringField(_l("Honorific"), validators=[Length(max=50)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Length(max=200)])
    institution = StringField(_l("Institution"), validators=[Length(max=300)])
    address_lines = TextAreaField(_l("Postal address (one line per line)"))
    country = SelectField(_l("Country"), validators=[DataRequired()])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    salutation = StringField(_l("Salutation"), validators=[Length(max=200)])
    language = StringField(_l("Language"), default="en", validators=[Length(max=35)])
    version = HiddenField()

    FIELDS = ADDRESSEE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", _l("Choose a country")), *country_choices()])

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
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Slug (in web addresses)"), validators=[Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    letter_target = IntegerField(
        _l("Letter target"), default=0, validators=[Optional(), NumberRange(min=0)]
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
    kind = SelectField(_l("Kind"), choices=options(KIND_CHOICES), default="appeal")
    language = StringField(_l("Language (BCP 47 tag)"), default="en", validators=[Length(max=35)])
    addressee_id = SelectField(_l("Addressee"), default="")
    copies_to = SelectMultipleField(_l("Copies to"), default=[])
    subject = StringField(_l("Subject"), validators=[Length(max=300)])
    body = TextAreaField(_l("Body"), validators=[Length(max=20_000)])
    asks = TextAreaField(_l("Asks (one per line)"))
    deadline = DateField(_l("Take action before"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(APPEAL_STATUS_CHOICES), default="draft")
    campaign = SelectField(_l("Campaign"), default="")
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
        self.addressee_id.choices = options([("", _l("No addressee")), *(addressees or [])])
        self.copies_to.choices = options(addressees or [])
        self.campaign.choices = options([("", _l("No campaign")), *(campaigns or [])])

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
