"""What the public letter page shows of the letter itself: its words as the PDF prints them.

Built from the frozen public card only, through the letter's own template with the sender lines
left blank: no supporter's name or address is ever part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from tracker.domain.custody import LetterRules
from tracker.domain.vocabulary import AppealKind
from tracker.services.letters.compose import LetterError, letter_context
from tracker.services.publishing.custody import public_letter_rules
from tracker.services.publishing.objects import AppealCard
from tracker.services.templating import render_document


@dataclass(frozen=True, slots=True)
class LetterPreview:
    """The printed letter as HTML (the letter template itself), and what it asks."""

    html: Markup
    lang: str
    dir: str
    asks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostingRules:
    """What the person's facility lets through, for a solidarity letter sent there (consented)."""

    facility_name: str
    rules: LetterRules


def letter_preview(card: AppealCard, today: dt.date, organisation: str) -> LetterPreview | None:
    """The letter's text as the unpersonalised PDF has it; None when it cannot be filled in."""
    try:
        letter = letter_context(card, today=today, sender_mode="lines")
    except LetterError:
        return None
    # `web`: no letterhead image (the PDF's asset host) and no guidance page (the web page shows
    # the rules in the reader's language).
    letter["web"] = True
    html = render_document("letters/letter.html", letter=letter, organisation=organisation)
    return LetterPreview(
        html=Markup(html),  # noqa: S704 - our own template, every value autoescaped
        lang=letter["lang"],
        dir=letter["dir"],
        asks=tuple(letter.get("asks") or ()),
    )


def posting_rules(card: AppealCard) -> PostingRules | None:
    """The facility's rules for a solidarity letter addressed there; None otherwise.

    `mail_facility` is set only with consent_detention_address and a facility that accepts
    letters (services.publishing.custody), so a facility without consent never shows.
    """
    rules = public_letter_rules(card)
    facility = card.case.mail_facility
    if card.appeal.kind != AppealKind.SOLIDARITY or rules is None or facility is None:
        return None  # an appeal goes to an official, not through the prison's censor
    return PostingRules(facility.name, rules)


def language_label(tag: str, reader: str = "en") -> str:
    """The name of a letter's language for the reader ("Persian (فارسی)")."""
    try:
        locale = Locale.parse((tag or "en").replace("-", "_"))
        name = locale.get_display_name(reader) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    own = locale.get_display_name(locale) or ""
    return f"{name} ({own})" if own and own.lower() != name.lower() else name
