"""`tracker cases import|export`: cases and their histories in and out, all or nothing."""

from __future__ import annotations

import os
import sys
from typing import IO

import click
from flask_babel import gettext as _

from tracker.commands.progress import PhaseBars
from tracker.domain.errors import ImportFailed
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.cases.transfer import (
    events_path_for,
    export_cases,
    import_cases,
    record_export,
)
from tracker.unit_of_work import command, rollback


@click.group("cases")
def cases_group() -> None:
    """Import and export cases."""


@cases_group.command("import")
@click.argument("cases_file", metavar="CASES.csv", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--events",
    "events_file",
    metavar="EVENTS.csv",
    type=click.Path(exists=True, dir_okay=False),
    help="The full status history of the cases, in date order.",
)
@click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
@command
def import_command(cases_file: str, events_file: str | None, dry_run: bool) -> None:
    """Import cases (a CSV pair, or a JSON export); on any bad row nothing is written."""
    bars = PhaseBars()
    try:
        result = import_cases(
            db.session, None, cases_file, events_file, dry_run=dry_run, progress=bars
        )
    except ImportFailed as failed:
        bars.close()
        for problem in failed.problems:
            click.echo(translate(problem.message, as_written=True), err=True)
        click.echo(_("%(n)s problem(s); nothing was imported.", n=len(failed.problems)), err=True)
        sys.exit(1)
    bars.close()
    if dry_run:
        rollback()
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "changes": result.status_changes,
    }
    if dry_run:
        summary = _(
            "Would create %(created)s, updated %(updated)s, left %(unchanged)s unchanged "
            "(%(changes)s status changes). Dry run: nothing written."
        )
    else:
        summary = _(
            "Created %(created)s, updated %(updated)s, left %(unchanged)s unchanged "
            "(%(changes)s status changes)."
        )
    click.echo(summary % counts)


@cases_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The file to write; a CSV export writes the events beside it as NAME-events.csv.",
)
@click.option(
    "--include-private",
    is_flag=True,
    help="Also write the private fields (notes, contacts, date of birth), decrypted; audited.",
)
@command
def export_command(fmt: str, output: str, include_private: bool) -> None:
    """Export every case with its history; the files import back as they are."""
    bars = PhaseBars()
    if fmt == "csv":
        events_path = events_path_for(output)
        with (
            _private_file(output, include_private) as out,
            _private_file(str(events_path), include_private) as events_out,
        ):
            count = export_cases(
                db.session, fmt, out, events_out, include_private=include_private, progress=bars
            )
        bars.close()
        click.echo(
            _(
                "Exported %(n)s cases to %(file)s and their histories to %(events)s.",
                n=count,
                file=output,
                events=events_path,
            )
        )
    else:
        with _private_file(output, include_private) as out:
            count = export_cases(
                db.session, fmt, out, include_private=include_private, progress=bars
            )
        bars.close()
        click.echo(
            _("Exported %(n)s cases with their histories to %(file)s.", n=count, file=output)
        )
    record_export(db.session, None, fmt, count, include_private)
    if include_private:
        click.echo(_("The file holds private values: keep it as safe as the data key."), err=True)


def _private_file(path: str, private: bool) -> IO[str]:
    """A file to write; readable by its owner only when it holds private values."""
    if not private:
        return open(path, "w", encoding="utf-8", newline="")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
