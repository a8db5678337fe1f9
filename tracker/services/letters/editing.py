"""Create and edit addressees, campaigns and appeals; check letter templates for the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound, StaleEdit, ValidationError
from tracker.domain.messages import M_
from tracker.domain.placeholders import (
    ADDED_BY_LETTER,
    PLACEHOLDERS,
    PlaceholderError,
    check_letter_text,
)
from tracker.domain.text import slugify
from tracker.domain.vocabulary import AppealKind, AppealStatus
from tracker.models import Addressee, Appeal, Campaign, Case, User, appeal_copies, utcnow
from tracker.services import audit
from tracker.services.letters.compose import LetterError
from tracker.services.letters.deadlines import check_deadline
from tracker.services.letters.fields import (
    ADDRESSEE_FIELDS,
    APPEAL_FIELDS,
    CAMPAIGN_FIELDS,
    EMAIL_RE,
    MAX_ADDRESS_LINES,
    MAX_ASK_CHARS,
    MAX_ASKS,
    SLUG_RE,
    addressee_id_of,
    campaign_id_of,
    clean_country,
    clean_date,
    clean_language,
    clean_lines,
    clean_text,
    copies_of,
    raise_if,
    reject_unknown,
)
from tracker.services.letters.language import LanguageError
from tracker.services.letters.printable import check_printable, printable_appeal, printable_case
from tracker.services.letters.words import require_words, typed_closing
from tracker.services.publishing.objects import AppealCard
from tracker.services.versions import flush_edit

REQUIRED = M_("This field is required.")
STALE_ADDRESSEE = M_("Someone else saved this addressee after you opened it.")
STALE_APPEAL = M_("Someone else saved this appeal after you opened it.")


def list_placeholders() -> dict[str, str]:
    """The placeholders the editor offers, with what they hold (not what the letter adds)."""
    return {k: v for k, v in PLACEHOLDERS.items() if k not in ADDED_BY_LETTER}


def added_by_letter() -> dict[str, str]:
    """What the letter prints itself around the text (salutation, closing), for the editor."""
    return dict(ADDED_BY_LETTER)


# -- addressees ---------------------------------------------------------------------------------


def clean_addressee_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise addressee fields; raise ValidationError listing every bad field."""
    reject_unknown(fields, ADDRESSEE_FIELDS)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "address_lines":
            out[name] = clean_lines(name, value, errors, MAX_ADDRESS_LINES, 200)
        elif name == "country":
            out[name] = clean_country(value, errors)
        elif name == "language":
            out[name] = clean_language(value, errors)
        else:
            out[name] = clean_text(name, value, errors)
            if name == "email" and out[name] and not EMAIL_RE.match(out[name]):
                errors[name] = M_("Not an email address.")
    for required in ("name", "country"):
        if (not partial or required in out) and not out.get(required) and required not in errors:
            errors[required] = REQUIRED
    raise_if(errors)
    return out


def create_addressee(session: Session, actor: User | None, fields: Mapping[str, Any]) -> Addressee:
    """Add an official to the directory."""
    data = clean_addressee_fields(fields)
    addressee = Addressee(**data)
    session.add(addressee)
    session.flush()
    audit.record(session, actor, "addressee.create", "addressee", addressee.id, data.keys())
    return addressee


def update_addressee(
    session: Session,
    actor: User | None,
    addressee: Addressee,
    fields: Mapping[str, Any],
    expected_version: int,
) -> list[str]:
    """Edit an addressee made from `expected_version`; every letter using it changes."""
    if addressee.version != expected_version:
        raise StaleEdit(STALE_ADDRESSEE, addressee.version)
    data = clean_addressee_fields(fields, partial=True)
    changed = [n for n, v in data.items() if getattr(addressee, n) != v]
    if not changed:
        return []
    for name in changed:
        setattr(addressee, name, data[name])
    addressee.updated_at = utcnow()
    flush_edit(session, addressee, STALE_ADDRESSEE)
    audit.record(
        session,
        actor,
        "addressee.update",
        "addressee",
        addressee.id,
        changed,
        version=addressee.version,
    )
    return changed


# -- campaigns ----------------------------------------------------------------------------------


def clean_campaign_fields(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise campaign fields."""
    reject_unknown(fields, CAMPAIGN_FIELDS)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("starts_on", "ends_on"):
            out[name] = clean_date(name, value, errors)
        elif name == "letter_target":
            try:
                out[name] = int(value or 0)
                if out[name] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors[name] = M_("Give a whole number, 0 or more.")
        elif name == "slug":
            out[name] = str(value or "").strip().lower()
            if out[name] and not SLUG_RE.match(out[name]):
                errors[name] = M_("Use lower-case letters, digits and '-'.")
        else:
            out[name] = clean_text(name, value, errors)
    if not partial and not out.get("slug") and out.get("name"):
        out["slug"] = slugify(out["name"])
    for required in ("name", "slug"):
        if (not partial or required in out) and not out.get(required) and required not in errors:
            errors[required] = REQUIRED
    starts, ends = out.get("starts_on"), out.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = M_("The end comes before the start.")
    raise_if(errors)
    return out


def create_campaign(session: Session, actor: User | None, fields: Mapping[str, Any]) -> Campaign:
    """Add a campaign."""
    data = clean_campaign_fields(fields)
    if session.scalar(select(Campaign.id).where(Campaign.slug == data["slug"])) is not None:
        raise ValidationError(
            M_("A campaign with this slug exists."), {"slug": M_("This slug is in use.")}
        )
    campaign = Campaign(**data)
    session.add(campaign)
    session.flush()
    audit.record(session, actor, "campaign.create", "campaign", campaign.id, data.keys())
    return campaign


def update_campaign(
    session: Session, actor: User | None, campaign: Campaign, fields: Mapping[str, Any]
) -> list[str]:
    """Edit a campaign."""
    data = clean_campaign_fields(fields, partial=True)
    new_slug = data.get("slug", campaign.slug)
    if new_slug != campaign.slug and session.scalar(
        select(Campaign.id).where(Campaign.slug == new_slug)
    ):
        raise ValidationError(
            M_("A campaign with this slug exists."), {"slug": M_("This slug is in use.")}
        )
    changed = [n for n, v in data.items() if getattr(campaign, n) != v]
    for name in changed:
        setattr(campaign, name, data[name])
    session.flush()
    if changed:
        audit.record(session, actor, "campaign.update", "campaign", campaign.id, changed)
    return changed


def campaign_by_slug(session: Session, slug: str) -> Campaign:
    """The campaign with this slug, or NotFound."""
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise NotFound(M_("No campaign '%(slug)s'.", slug=slug))
    return campaign


# -- appeals ------------------------------------------------------------------------------------


def clean_appeal_fields(
    session: Session, fields: Mapping[str, Any], partial: bool = False
) -> dict[str, Any]:
    """Validate appeal fields, templates included; errors are reported on their field."""
    reject_unknown(fields, APPEAL_FIELDS)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    today = dt.date.today()
    for name, value in fields.items():
        if name == "kind":
            out[name] = str(value or "appeal")
            if out[name] not in AppealKind.__members__.values():
                errors[name] = M_("Choose appeal or solidarity.")
        elif name == "status":
            out[name] = str(value or "draft")
            if out[name] not in AppealStatus.__members__.values():
                errors[name] = M_("Choose draft, active or closed.")
        elif name == "language":
            out[name] = clean_language(value, errors)
        elif name == "deadline":
            out[name] = clean_date(name, value, errors)
        elif name == "asks":
            out[name] = clean_lines(name, value, errors, MAX_ASKS, MAX_ASK_CHARS)
        elif name == "addressee_id":
            out[name] = addressee_id_of(session, value, name, errors)
        elif name == "copies_to":
            out[name] = copies_of(session, value, errors)
        elif name == "campaign":
            out["campaign_id"] = campaign_id_of(session, value, errors)
        else:  # subject, body: templates
            out[name] = clean_text(name, value, errors)
            if name not in errors:
                try:
                    check_letter_text(out[name], today)
                except PlaceholderError as exc:
                    errors[name] = str(exc)
            if name == "body" and name not in errors:
                closing = typed_closing(out[name])
                if closing:
                    errors[name] = M_(
                        "The letter prints its closing and signature itself; remove "
                        "\u201c%(closing)s\u201d from the end of the body.",
                        closing=closing,
                    )
    raise_if(errors)
    return out


def _setcopies_of(session: Session, appeal: Appeal, copies: list[Addressee]) -> None:
    appeal.copies_to = copies
    session.flush()
    # The association table keeps the order the editor gave.
    for position, addressee in enumerate(copies):
        session.execute(
            appeal_copies.update()
            .where(appeal_copies.c.appeal_id == appeal.id)
            .where(appeal_copies.c.addressee_id == addressee.id)
            .values(position=position)
        )


# The organisation's name is printed in the letter head; the check assumes a long one.
_WORST_ORGANISATION = "Organisation for the Defence of Human Rights and Prisoners of Conscience"


def check_letter_words(status: str, language: str) -> None:
    """Refuse to activate an appeal in a language without letter words (before any change)."""
    if status != AppealStatus.ACTIVE:
        return
    try:
        require_words(language)
    except LanguageError as exc:
        raise ValidationError(str(exc), {"language": str(exc)}) from None


def check_appeal_printable(session: Session, appeal: Appeal) -> None:
    """Refuse an active appeal whose letter could not print within the limits for some person.

    Runs after the flush (on the values as saved); a refusal is a ValidationError on the body,
    and the caller rolls the unit of work back. Drafts and closed appeals are never served.
    """
    if appeal.status != AppealStatus.ACTIVE:
        return
    case = printable_case(session, appeal.case_id)
    printable = printable_appeal(session, appeal.id)
    if case is None or printable is None:  # pragma: no cover - both were just flushed
        return
    try:
        check_printable(
            AppealCard(case, printable), today=dt.date.today(), organisation=_WORST_ORGANISATION
        )
    except LetterError as exc:
        raise ValidationError(exc.message, {"body": exc.message}) from None


def create_appeal(
    session: Session, actor: User | None, case: Case, fields: Mapping[str, Any]
) -> Appeal:
    """Add an appeal to a case (a draft unless a status is given)."""
    data = clean_appeal_fields(session, fields)
    check_letter_words(data.get("status", AppealStatus.DRAFT), data.get("language", "en"))
    copies = data.pop("copies_to", [])
    appeal = Appeal(case_id=case.id, **data)
    check_deadline(appeal, dt.date.today())
    session.add(appeal)
    session.flush()
    if copies:
        _setcopies_of(session, appeal, copies)
    check_appeal_printable(session, appeal)
    audit.record(
        session,
        actor,
        "appeal.create",
        "appeal",
        appeal.id,
        fields.keys(),
        case_id=case.id,
        version=appeal.version,
    )
    return appeal


def update_appeal(
    session: Session,
    actor: User | None,
    appeal: Appeal,
    fields: Mapping[str, Any],
    expected_version: int,
) -> list[str]:
    """Edit an appeal made from `expected_version`; its version grows with every edit."""
    if appeal.version != expected_version:
        raise StaleEdit(STALE_APPEAL, appeal.version)
    data = clean_appeal_fields(session, fields, partial=True)
    check_letter_words(data.get("status", appeal.status), data.get("language", appeal.language))
    copies = data.pop("copies_to", None)
    changed = [n for n, v in data.items() if getattr(appeal, n) != v]
    if copies is not None and [a.id for a in copies] != [a.id for a in appeal.copies_to]:
        changed.append("copies_to")
    if not changed:
        return []
    for name in changed:
        if name != "copies_to":
            setattr(appeal, name, data[name])
    check_deadline(appeal, dt.date.today())
    appeal.updated_at = utcnow()  # an UPDATE of the row, so the version grows
    flush_edit(session, appeal, STALE_APPEAL)
    if copies is not None and "copies_to" in changed:
        _setcopies_of(session, appeal, copies)
    check_appeal_printable(session, appeal)
    names = ["campaign" if n == "campaign_id" else n for n in changed]
    audit.record(
        session,
        actor,
        "appeal.update",
        "appeal",
        appeal.id,
        names,
        version=appeal.version,
        case_id=appeal.case_id,
    )
    return names
