"""`tracker reminders send`: mail each caseworker the digest of their cases that need action."""

from __future__ import annotations

import datetime as dt
import smtplib

import click
from flask import current_app

from tracker import unit_of_work
from tracker.extensions import db
from tracker.jobs.reminders import send_reminders
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
        raise click.ClickException(str(exc)) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise click.ClickException(
            f"The mail server refused or could not be reached: {exc}"
        ) from None
    verb = "Would send" if dry_run else "Sent"
    for digest in digests:
        click.echo(f"{verb} {digest.count} item(s) to {digest.email}")
    click.echo(f"{verb} {len(digests)} digest(s).")
