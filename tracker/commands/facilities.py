"""`tracker facilities import FILE.csv`: the facility directory, all or nothing."""

from __future__ import annotations

import sys

import click
from flask_babel import gettext as _

from tracker.domain.errors import ImportFailed
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.custody.importing import COLUMNS, import_facilities
from tracker.unit_of_work import command


@click.group("facilities")
def facilities_group() -> None:
    """The directory of prisons and other places of detention."""


@facilities_group.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False))
@command
def import_command(csv_file: str) -> None:
    """Import facilities; on any bad row nothing is written.

    Columns: name and country, and any of the others (one line per line in a cell).
    """
    try:
        result = import_facilities(db.session, None, csv_file)
    except ImportFailed as failed:
        for problem in failed.problems:
            click.echo(translate(problem.message, as_written=True), err=True)
        click.echo(_("%(n)s problem(s); nothing was imported.", n=len(failed.problems)), err=True)
        sys.exit(1)
    click.echo(
        _(
            "Created %(created)s, updated %(updated)s, left %(unchanged)s unchanged.",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )


import_command.help = (import_command.help or "") + " Known columns: " + ",".join(COLUMNS) + "."
