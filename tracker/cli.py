"""The `tracker` command: Flask's commands plus users, demo data, import/export, reports."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from flask_babel import gettext as _
from flask_migrate.cli import db as db_group

from tracker import create_app
from tracker.crypto import DataKeyError
from tracker.database import set_write_intent
from tracker.domain.errors import TrackerError, ValidationError
from tracker.domain.vocabulary import Role
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.accounts import users as user_service
from tracker.unit_of_work import command


def _create_app() -> object:
    try:
        return create_app()
    except DataKeyError as exc:  # a malformed TRACKER_DATA_KEY: say so, no traceback
        fail(exc.message)
        raise


class TrackerGroup(FlaskGroup):
    """Flask's group, with a data-key problem told in one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DataKeyError as exc:
            fail(exc.message)
            raise


@click.group(cls=TrackerGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Prisoner case tracker."""
    # A command is one unit of work that may write: its transactions begin IMMEDIATE on SQLite.
    set_write_intent(True)
    click.get_current_context().call_on_close(lambda: set_write_intent(False))


def fail(message: str) -> None:
    """Print an error and exit 1."""
    click.echo(_("Error: %(message)s", message=translate(message, as_written=True)), err=True)
    sys.exit(1)


def describe(error: TrackerError) -> str:
    """One line for a user error, with the field messages."""
    if isinstance(error, ValidationError) and error.field_errors:
        return "; ".join(
            f"{k}: {translate(v, as_written=True)}" for k, v in error.field_errors.items()
        )
    return error.message


@cli.group()
def users() -> None:
    """Manage staff users and API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@command
def users_create(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a user; the password comes from --password-stdin or a prompt."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = user_service.create_user(db.session, None, email, password, role, name)
    except TrackerError as exc:
        fail(describe(exc))
    click.echo(_("Created %(role)s %(email)s", role=user.role, email=user.email))


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@command
def users_token(email: str, name: str) -> None:
    """Print a new API token for the user, once."""
    user = user_service.find_user(db.session, email)
    if user is None or not user.active:
        fail(_("no active user with email %(email)s", email=email))
        return
    token = user_service.create_token(db.session, None, user, name)
    click.echo(token)


# The command modules import `cli` helpers from here, so they are registered after it exists.
from tracker.commands import (  # noqa: E402
    archive,
    backup,
    cases,
    demo,
    doctor,
    facilities,
    keys,
    letters,
    reminders,
    reports,
)
from tracker.jobs.worker import worker_command  # noqa: E402

cli.add_command(archive.archive_group)
cli.add_command(cases.cases_group)
cli.add_command(facilities.facilities_group)
cli.add_command(demo.demo_group)
cli.add_command(reports.reports)
cli.add_command(letters.letters)
cli.add_command(reminders.reminders)
cli.add_command(doctor.doctor)
cli.add_command(worker_command)
cli.add_command(keys.keys_group)
db_group.add_command(backup.backup_command)


def main() -> None:
    """Entry point for `python -m tracker`."""
    cli()
