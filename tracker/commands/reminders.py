"""`tracker reminders send`: mail each caseworker the digest of their cases that need action."""

from __future__ import annotations

import datetime as dt
import smtplib

import click
from flask import current_app
from flask_babel import gettext as _

from tracker import unit_of_work
from tracker.extensions import db
from tracker.jobs.reminders import send_reminders
from tracker.labels import translate
from tracker.mail import MailConfigError


@click.group()
def reminders() -> None:
    """Reminders by mail."""


@reminders.command("send")
@click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count deadlines from this day (YYYY-MM-DD) instead of today.",
)
@unit_of_work.command
def send(dry_run: bool, today: dt.datetime | None) -> None:
    """Mail each caseworker a digest of their assigned cases that need action."""
    day = today.date() if today else dt.date.today()
    try:
        digests = send_reminders(db.session, current_app.config, day, dry_run=dry_run)
    except MailConfigError as exc:
        raise click.ClickException(translate(str(exc), as_written=True)) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise click.ClickException(
            _("The mail server refused or could not be reached: %(error)s", error=exc)
        ) from None
    for digest in digests:
        line = (
            _("Would send %(n)s item(s) to %(email)s")
            if dry_run
            else _("Sent %(n)s item(s) to %(email)s")
        )
        click.echo(line % {"n": digest.count, "email": digest.email})
    total = _("Would send %(n)s digest(s).") if dry_run else _("Sent %(n)s digest(s).")
    click.echo(total % {"n": len(digests)})
