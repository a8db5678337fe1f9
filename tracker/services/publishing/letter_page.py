"""What the public letter page shows of the letter itself: its words as the PDF prints them.

Built from the frozen public card only, with the sender lines left blank: no supporter's name
or address is ever part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from tracker.domain.custody import LetterRules
from tracker.services.custody.addressing import SolidarityMail
from tracker.services.letters.compose import LetterError, letter_context
from tracker.services.publishing.objects import AppealCard, PublicAddressee


@dataclass(frozen=True, slots=True)
class LetterText:
    """The printed words of a letter, in its own language and direction."""

    lang: str
    dir: str
    addressee: PublicAddressee | None
    subject: str
    salutation: str
    body: Markup
    asks: tuple[str, ...]
    closing: str
    copies_label: str
    copies: tuple[PublicAddressee, ...]
    # A solidarity letter: where it goes (the facility only with the person's consent, else
    # the forwarding address) and the facility's rules (services.custody.addressing).
    recipient: SolidarityMail | None = None
    rules: LetterRules | None = None


def letter_preview(card: AppealCard, today: dt.date) -> LetterText | None:
    """The letter's text as the unpersonalised PDF has it; None when it cannot be filled in."""
    try:
        letter = letter_context(card, today=today, sender_mode="lines")
    except LetterError:
        return None
    words = letter["labels"]  # the letter's words in its language (services.letters.words)
    greeting = letter["salutation"]  # None, or the salutation with its language's punctuation
    return LetterText(
        lang=letter["lang"],
        dir=letter["dir"],
        addressee=letter["addressee"],
        subject=str(letter["subject"]),
        salutation=(
            f"{greeting['before']}{greeting['text']}{greeting['after']}" if greeting else ""
        ),
        body=letter["body"],
        asks=tuple(letter["asks"]),
        closing=words.closing,
        copies_label=words.copies_label,
        copies=tuple(letter["copies"]),
        recipient=letter.get("recipient"),
        rules=letter.get("guidance"),
    )


def language_label(tag: str, reader: str = "en") -> str:
    """The name of a letter's language for the reader ("Persian", "Chinese (Simplified)")."""
    try:
        locale = Locale.parse((tag or "en").replace("-", "_"))
        name = locale.get_display_name(reader) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    own = locale.get_display_name(locale) or ""
    return f"{name} ({own})" if own and own.lower() != name.lower() else name
