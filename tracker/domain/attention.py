"""Why a case needs attention: the reasons, their thresholds and the consent review rule.

Staleness is about people still held: a released, dead or closed case never needs attention
for being quiet. Consent is reviewed once a year: a consent recorded on a date is due to be
re-confirmed on the same day a year later, and shows from CONSENT_NOTICE before that day (and
at once when its date was never recorded).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

HELD_QUIET = dt.timedelta(days=90)
DEADLINE_WITHIN = dt.timedelta(days=7)
HEARING_WITHIN = dt.timedelta(days=14)
CONSENT_NOTICE = dt.timedelta(days=30)


class Reason(StrEnum):
    """One reason a case needs attention (the digest's section codes too)."""

    APPEAL_DEADLINE = "appeal_deadline"  # an appeal's take-action-before date within 7 days
    HEARING = "hearing"  # a day in court within 14 days, for someone held
    HELD_NO_CHANGE = "held_no_change"  # held, and no change to the case in 90 days
    ARREST_NOT_RECORDED = "arrest_not_recorded"  # held, arrest date after the latest status
    CONSENT = "consent"  # a consent due to be re-confirmed (yearly), or with no date
    ADDRESS_UNVERIFIED = "address_unverified"  # held at a facility whose address is unverified


def consent_review_on(given_on: dt.date) -> dt.date:
    """The day a consent given on `given_on` is to be re-confirmed: a year later (28 February
    for a consent of 29 February)."""
    try:
        return given_on.replace(year=given_on.year + 1)
    except ValueError:
        return given_on.replace(year=given_on.year + 1, day=28)


def consent_due(given_on: dt.date | None, today: dt.date) -> bool:
    """True when a recorded consent should be re-confirmed now: its review day is at most
    CONSENT_NOTICE away (or past), or its date was never recorded."""
    return given_on is None or consent_review_on(given_on) <= today + CONSENT_NOTICE


def consent_given_before(today: dt.date) -> dt.date:
    """The latest date a consent may have been given on to be due now (consent_due, for a
    query): its review day, a year on, is at most CONSENT_NOTICE away."""
    latest = today + CONSENT_NOTICE
    try:
        return latest.replace(year=latest.year - 1)
    except ValueError:  # 29 February: a consent of 28 February 2024 is due on 28 February 2025
        return latest.replace(year=latest.year - 1, day=28)
