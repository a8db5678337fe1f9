"""`tracker demo load`: the demo data set, only into an empty database."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.services.demo import database_is_empty, load_demo
from tracker.unit_of_work import command


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@command
def load_command() -> None:
    """Load the demo data set into an empty database (does nothing otherwise)."""
    if not database_is_empty(db.session):
        click.echo(_("The database already holds cases; demo data not loaded."))
        return
    count = load_demo(db.session, None)
    click.echo(_("Loaded %(n)s demo cases, a campaign and its appeals.", n=count))
