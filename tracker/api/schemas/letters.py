"""Schemas of addressees and appeals (the letters)."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from tracker.api.schemas.base import (
    MAX_ID,
    CountryCode,
    StrictSchema,
    Text,
    _enum,
)
from tracker.domain.vocabulary import (
    AppealKind,
    AppealStatus,
)
from tracker.models import Appeal
from tracker.services.letters.fields import MAX_ADDRESS_LINES, MAX_ASK_CHARS, MAX_ASKS

# --- addressees ----------------------------------------------------------------------------

# The services' rules, as patterns the document can carry (and without NUL characters).
EMAIL_PATTERN = r"^([^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+)?$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
CAMPAIGN_SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
LANGUAGE = {
    "pattern": LANGUAGE_PATTERN,
    "error": "Use a BCP 47 language tag such as en, fa or zh-Hans.",
    "validate": [validate.Length(min=2, max=35)],
    "metadata": {"description": "BCP 47 language tag", "example": "en"},
}


class AddresseeFieldsSchema(StrictSchema):
    """The editable fields of an addressee (DESIGN.md section 4); none is required here."""

    honorific = Text(max_length=50, metadata={"example": "H.E."})
    name = Text(max_length=200, not_blank=True)
    position = Text(max_length=200)
    institution = Text(max_length=300)
    address_lines = fields.List(
        Text(max_length=200),
        validate=validate.Length(max=MAX_ADDRESS_LINES),
        metadata={"description": "The postal address, one line each; blank lines are dropped"},
    )
    country = CountryCode()
    email = Text(
        pattern=EMAIL_PATTERN,
        error="Not an email address.",
        validate=[validate.Length(max=254)],
        metadata={"description": "An email address, or empty"},
    )
    salutation = Text(max_length=200, metadata={"example": "Dear President,"})
    language = Text(**LANGUAGE)  # type: ignore[arg-type]


class AddresseeCreateSchema(AddresseeFieldsSchema):
    """A new addressee: name and country are required."""

    name = Text(max_length=200, not_blank=True, required=True)
    country = CountryCode(required=True)


class AddresseeSchema(Schema):
    """An official in the directory."""

    id = fields.Integer(required=True)
    honorific = fields.String(required=True)
    name = fields.String(required=True)
    position = fields.String(required=True)
    institution = fields.String(required=True)
    address_lines = fields.List(fields.String(), required=True)
    country = fields.String(required=True)
    email = fields.String(required=True)
    salutation = fields.String(required=True)
    language = fields.String(required=True)
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)


class AddresseeListSchema(Schema):
    """One page of addressees, ordered by id."""

    items = fields.List(fields.Nested(AddresseeSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


# --- appeals -------------------------------------------------------------------------------

TEMPLATE_HELP = (
    "A letter template: placeholders such as {{ case.name }} or {{ addressee.salutation }} "
    "are filled in; a template error is answered 422 with the message"
)


class AppealFieldsSchema(StrictSchema):
    """The editable fields of an appeal (DESIGN.md section 4); none is required here."""

    kind = fields.String(validate=_enum(AppealKind))
    language = Text(**LANGUAGE)  # type: ignore[arg-type]
    addressee_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "An addressee's id (422 when there is none)"},
    )
    copies_to = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        validate=validate.Length(max=50),
        metadata={"description": "Ids of the addressees who get a copy, in order"},
    )
    subject = Text(max_length=300, metadata={"description": TEMPLATE_HELP})
    body = Text(max_length=20_000, metadata={"description": TEMPLATE_HELP})
    asks = fields.List(
        Text(max_length=MAX_ASK_CHARS),
        validate=validate.Length(max=MAX_ASKS),
        metadata={"description": "What the letter asks for, in order; blank ones are dropped"},
    )
    deadline = fields.Date(allow_none=True, metadata={"description": "Take action before"})
    status = fields.String(validate=_enum(AppealStatus))
    campaign = Text(
        pattern=CAMPAIGN_SLUG_PATTERN,
        error="Use lower-case letters, digits and '-'.",
        allow_none=True,
        validate=[validate.Length(max=120)],
        metadata={"description": "A campaign's slug (422 when there is none), or null"},
    )


def letter_pdf_url(appeal: Appeal) -> str | None:
    """The public letter PDF's site-relative address; None where the public site has none."""
    case = appeal.case
    if appeal.status == AppealStatus.DRAFT or not (case.is_public and case.consent_publicity):
        return None
    return url_for("public.letter_pdf", slug=case.slug, appeal_id=appeal.id)


class AppealSchema(Schema):
    """An appeal, with the address of its public letter PDF."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=_enum(AppealKind))
    language = fields.String(required=True)
    addressee_id = fields.Integer(required=True, allow_none=True)
    copies_to = fields.Function(
        lambda appeal: [a.id for a in appeal.copies_to],
        required=True,
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    subject = fields.String(required=True)
    body = fields.String(required=True)
    asks = fields.List(fields.String(), required=True)
    deadline = fields.Date(required=True, allow_none=True)
    status = fields.String(required=True, validate=_enum(AppealStatus))
    campaign = fields.Function(
        lambda appeal: appeal.campaign.slug if appeal.campaign else None,
        required=True,
        allow_none=True,
        metadata={"type": "string", "description": "The campaign's slug, or null"},
    )
    version = fields.Integer(required=True)
    pdf_url = fields.Function(
        lambda appeal: letter_pdf_url(appeal),
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "Site-relative address of the public letter PDF; null while the "
            "appeal is a draft or the case is not public",
        },
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AppealListSchema(Schema):
    """A case's appeals, ordered by id."""

    items = fields.List(fields.Nested(AppealSchema), required=True)
