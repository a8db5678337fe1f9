"""`tracker facilities import FILE.csv`: the facility directory, all or nothing."""

from __future__ import annotations

import sys

import click

from tracker.domain.errors import ImportFailed
from tracker.extensions import db
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
            click.echo(problem.message, err=True)
        click.echo(f"{len(failed.problems)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    click.echo(
        f"Created {result.created}, updated {result.updated}, left {result.unchanged} unchanged."
    )


import_command.help = (import_command.help or "") + " Known columns: " + ",".join(COLUMNS) + "."
