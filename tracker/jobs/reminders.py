"""Mail each caseworker their digest (tracker reminders send, and the worker's daily task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale, ngettext
from sqlalchemy.orm import Session

from tracker import mail
from tracker.domain.messages import M_, N_
from tracker.services.reminders.digest import Digest, build_digests

# Section titles by reason code (English msgids; the templates translate them); a new digest
# source adds its line here.
SECTION_TITLES = {
    "appeal_deadline": N_("Appeal deadlines in the next 7 days"),
    "held_no_change": N_("Held, with no change in 90 days"),
    "hearing": N_("Hearings in the next 14 days"),
    "consent": N_("Consent to re-confirm (once a year)"),
    "arrest_not_recorded": N_("Arrest date after the latest status: record the arrest"),
    "address_unverified": N_("Held where the address is not verified"),
}


def subject(digest: Digest) -> str:
    """The subject line: a count only, never a name or a reference (it shows in every inbox)."""
    n = digest.count
    return ngettext(
        "Tracker: %(num)d item needs your action", "Tracker: %(num)d items need your action", n
    )


def compose(
    settings: mail.MailSettings, config: Mapping[str, Any], digest: Digest, today: dt.date
) -> Any:
    """The digest as a plain-text mail with an HTML alternative, in the user's language."""
    language = digest.language or str(config.get("DEFAULT_LANGUAGE") or "en")
    with force_locale(language):
        return _compose(settings, config, digest, today)


def _compose(
    settings: mail.MailSettings, config: Mapping[str, Any], digest: Digest, today: dt.date
) -> Any:
    context = {
        "digest": digest,
        "today": today,
        "titles": SECTION_TITLES,
        "base_url": str(config.get("BASE_URL") or "").rstrip("/"),
        "organisation": config.get("ORGANISATION_NAME", ""),
    }
    return mail.message(
        settings,
        digest.email,
        subject(digest),
        render_template("mail/digest.txt", **context),
        render_template("mail/digest.html", **context),
    )


def send_reminders(
    session: Session, config: Mapping[str, Any], today: dt.date, *, dry_run: bool = False
) -> list[Digest]:
    """Build every digest and mail it (unless dry_run); the digests built."""
    settings = mail.mail_settings(config)
    digests = build_digests(session, today)
    if dry_run or not digests:
        return digests
    if settings is None:
        raise mail.MailConfigError(M_("Set TRACKER_MAIL_URL and TRACKER_MAIL_FROM to send mail."))
    mail.send(settings, [compose(settings, config, d, today) for d in digests])
    return digests
