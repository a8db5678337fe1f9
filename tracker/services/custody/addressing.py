"""How a solidarity letter is addressed, and the rules printed after it (DESIGN.md section 5).

To the person at their current facility, in the local script and in Latin script, only when
the case records consent_detention_address and the facility accepts letters; otherwise to the
organisation's forwarding address (FORWARDING_ADDRESS in the instance config), which passes it
on. Works on the frozen public case only, so nothing private can reach the letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.domain.custody import LetterRules
from tracker.domain.vocabulary import AppealKind
from tracker.services.publishing.custody import forwarding_address
from tracker.services.publishing.objects import AppealCard, PublicCase


@dataclass(frozen=True, slots=True)
class SolidarityMail:
    """The recipient block of a solidarity letter and the rules for its guidance page."""

    name: str
    lines: tuple[str, ...]  # Latin script (or the forwarding address)
    name_native: str = ""
    native_lines: tuple[str, ...] = ()  # the facility's address in the local script
    at_facility: bool = False
    rules: LetterRules | None = None
    facility_name: str = ""


def solidarity_mail(case: PublicCase, forwarding: Sequence[str]) -> SolidarityMail:
    """Where a solidarity letter to this person goes, and the rules to print after it."""
    facility = case.mail_facility
    if facility is None:
        return SolidarityMail(name=case.name, lines=tuple(forwarding))
    return SolidarityMail(
        name=case.name,
        lines=(*facility.address_lines, facility.country_name),
        name_native=case.name_native,
        native_lines=facility.address_lines_native,
        at_facility=True,
        rules=None if facility.rules.is_empty else facility.rules,
        facility_name=facility.name,
    )


def letter_parts(card: AppealCard, forwarding: Sequence[str] | None = None) -> dict[str, Any]:
    """What letter composition adds for a solidarity letter: the recipient and the guidance.

    An appeal to an official gets nothing here (its addressee comes from the directory).
    """
    if card.appeal.kind != AppealKind.SOLIDARITY:
        return {}
    mail = solidarity_mail(card.case, forwarding_address() if forwarding is None else forwarding)
    return {"addressee": None, "recipient": mail, "guidance": mail.rules}
