"""Where a person is held: facility kinds, hearings, letter reports, rules and the letter figures.

Pure values and arithmetic (no database): the services fill them, the pages say them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tracker.domain.messages import N_

# An address not checked for this long is flagged to staff (DESIGN.md section 5, issue 13).
VERIFY_EVERY = dt.timedelta(days=180)
# Letter figures are counted over this many days, and a rate is given from this many reports.
FIGURES_DAYS = 365
MIN_REPORTS_FOR_RATE = 10


class FacilityKind(StrEnum):
    """What kind of place a facility is."""

    PRISON = "prison"
    PRETRIAL_DETENTION = "pretrial_detention"
    POLICE_STATION = "police_station"
    LABOUR_CAMP = "labour_camp"
    PSYCHIATRIC = "psychiatric"
    IMMIGRATION = "immigration"
    MILITARY = "military"
    UNOFFICIAL = "unofficial"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The kind in plain words (an English msgid: tracker/labels.py translates it)."""
        return FACILITY_KIND_LABELS[self]


FACILITY_KIND_LABELS: dict[FacilityKind, str] = {
    FacilityKind.PRISON: N_("Prison"),
    FacilityKind.PRETRIAL_DETENTION: N_("Pretrial detention"),
    FacilityKind.POLICE_STATION: N_("Police station"),
    FacilityKind.LABOUR_CAMP: N_("Labour camp"),
    FacilityKind.PSYCHIATRIC: N_("Psychiatric institution"),
    FacilityKind.IMMIGRATION: N_("Immigration detention"),
    FacilityKind.MILITARY: N_("Military detention"),
    FacilityKind.UNOFFICIAL: N_("Unofficial place of detention"),
    FacilityKind.OTHER: N_("Other"),
}


class HearingKind(StrEnum):
    """What happens in court on a hearing's day."""

    HEARING = "hearing"
    TRIAL = "trial"
    VERDICT = "verdict"
    APPEAL_HEARING = "appeal_hearing"

    @property
    def label(self) -> str:
        """The kind in plain words (an English msgid: tracker/labels.py translates it)."""
        return HEARING_KIND_LABELS[self]


HEARING_KIND_LABELS: dict[HearingKind, str] = {
    HearingKind.HEARING: N_("Hearing"),
    HearingKind.TRIAL: N_("Trial"),
    HearingKind.VERDICT: N_("Verdict"),
    HearingKind.APPEAL_HEARING: N_("Appeal hearing"),
}


class LetterReportKind(StrEnum):
    """What became of letters sent to a person, as staff learn it."""

    RETURNED = "returned"
    REPLY = "reply"
    DELIVERED = "delivered"

    @property
    def label(self) -> str:
        """The kind in plain words (an English msgid: tracker/labels.py translates it)."""
        return LETTER_REPORT_KIND_LABELS[self]


LETTER_REPORT_KIND_LABELS: dict[LetterReportKind, str] = {
    LetterReportKind.RETURNED: N_("Returned"),
    LetterReportKind.REPLY: N_("Reply"),
    LetterReportKind.DELIVERED: N_("Delivered"),
}


RULE_LISTS = ("languages", "envelope", "allowed", "forbidden")
MAX_RULE_ITEMS = 20
MAX_RULE_CHARS = 300
MAX_RULE_NOTES = 2000


@dataclass(frozen=True, slots=True)
class LetterRules:
    """What a facility lets through: languages, envelope lines, what may and may not go in."""

    languages: tuple[str, ...] = ()
    envelope: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    notes: str = ""

    @property
    def is_empty(self) -> bool:
        """True when nothing is known of the rules."""
        return not (self.languages or self.envelope or self.allowed or self.forbidden or self.notes)

    def as_dict(self) -> dict[str, Any]:
        """The rules as stored and sent (DESIGN.md section 5)."""
        return {
            "languages": list(self.languages),
            "envelope": list(self.envelope),
            "allowed": list(self.allowed),
            "forbidden": list(self.forbidden),
            "notes": self.notes,
        }

    @classmethod
    def from_stored(cls, value: Mapping[str, Any] | None) -> LetterRules:
        """Rules from what the database holds (already checked when saved)."""
        value = value or {}
        return cls(
            **{name: tuple(str(v) for v in value.get(name) or ()) for name in RULE_LISTS},
            notes=str(value.get("notes") or ""),
        )


class RuleProblem(StrEnum):
    """Why letter rules were refused (the layers say it in words)."""

    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_KEY = "unknown_key"
    NOT_A_LIST = "not_a_list"
    TOO_MANY = "too_many"
    TOO_LONG = "too_long"
    BAD_LANGUAGE = "bad_language"


def check_rules(value: Any, is_language: Any = None) -> tuple[LetterRules, dict[str, RuleProblem]]:
    """Rules from typed or sent input, with the problem of each bad key (none when it is fine).

    `is_language(tag)` says whether a language tag is usable (Babel knows it).
    """
    problems: dict[str, RuleProblem] = {}
    if value is None:
        return LetterRules(), problems
    if not isinstance(value, Mapping):
        return LetterRules(), {"letter_rules": RuleProblem.NOT_AN_OBJECT}
    for key in value:
        if key not in (*RULE_LISTS, "notes"):
            problems[str(key)] = RuleProblem.UNKNOWN_KEY
    lists: dict[str, tuple[str, ...]] = {}
    for name in RULE_LISTS:
        items = value.get(name) or []
        if isinstance(items, str):
            items = items.splitlines()
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            problems[name] = RuleProblem.NOT_A_LIST
            continue
        cleaned = tuple(i.strip() for i in items if i.strip())
        if len(cleaned) > MAX_RULE_ITEMS:
            problems[name] = RuleProblem.TOO_MANY
        elif any(len(i) > MAX_RULE_CHARS for i in cleaned):
            problems[name] = RuleProblem.TOO_LONG
        elif name == "languages" and is_language and not all(is_language(t) for t in cleaned):
            problems[name] = RuleProblem.BAD_LANGUAGE
        lists[name] = cleaned
    notes = value.get("notes") or ""
    if not isinstance(notes, str):
        problems["notes"] = RuleProblem.NOT_A_LIST
        notes = ""
    elif len(notes.strip()) > MAX_RULE_NOTES:
        problems["notes"] = RuleProblem.TOO_LONG
    return LetterRules(**lists, notes=notes.strip()), problems


def needs_verification(verified_on: dt.date | None, today: dt.date) -> bool:
    """True when an address was never verified, or not for over 180 days."""
    return verified_on is None or today - verified_on > VERIFY_EVERY


def facility_at(placements: Sequence[tuple[int, dt.date, int]], day: dt.date) -> int | None:
    """The facility a person was at on `day`, from their placements (facility_id, on, id)."""
    found: tuple[dt.date, int, int] | None = None
    for facility_id, effective_on, ident in placements:
        key = (effective_on, ident, facility_id)
        if effective_on <= day and (found is None or key > found):
            found = key
    return found[2] if found else None


@dataclass(frozen=True, slots=True)
class LetterFigures:
    """A facility's letters over a year: posted by supporters, returned, replied, delivered."""

    posted: int
    returned: int
    replies: int
    delivered: int

    @property
    def reports(self) -> int:
        """Letters whose fate staff reported (returned, replied to or delivered)."""
        return self.returned + self.replies + self.delivered

    @property
    def get_through_rate(self) -> float | None:
        """Share of reported letters that got through (delivered or replied to), from 10 reports.

        A reply proves its letter arrived; a returned letter did not. Below 10 reported letters
        a rate would say more about chance than about the prison: None.
        """
        if self.reports < MIN_REPORTS_FOR_RATE:
            return None
        return round((self.delivered + self.replies) / self.reports, 3)

    def as_dict(self) -> dict[str, Any]:
        """The `stats` of a facility in the API (DESIGN.md section 5)."""
        return {
            "posted": self.posted,
            "returned": self.returned,
            "replies": self.replies,
            "get_through_rate": self.get_through_rate,
        }
