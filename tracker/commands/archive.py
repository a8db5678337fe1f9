"""`tracker archive export|import`: every record in one file, and back into an empty database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask_babel import gettext as _

from tracker import unit_of_work
from tracker.database import set_write_intent
from tracker.domain.errors import ArchiveRefused
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.archive import export_archive, import_archive, record_export


@click.group("archive")
def archive_group() -> None:
    """Export everything to one file, or restore it into an empty database."""


@archive_group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@unit_of_work.command
def export_command(output: str) -> None:
    """Write every record (no API tokens, no sign-in secrets) to one archive file."""
    target = Path(output).resolve()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    # Read in one snapshot without the write lock, so the app keeps writing meanwhile.
    token = set_write_intent(False)
    try:
        options = {}
        if db.engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        db.session.connection(execution_options=options)
        with os.fdopen(fd, "wb") as out:
            summary = export_archive(db.session, out)
        db.session.rollback()
        os.replace(tmp_name, target)
    except BaseException:
        db.session.rollback()
        Path(tmp_name).unlink(missing_ok=True)
        raise
    finally:
        set_write_intent(token.old_value is True)
    record_export(db.session, None, summary)  # committed when the command returns
    click.echo(
        _(
            "Exported %(records)s records of %(tables)s tables (%(cases)s cases) to %(file)s.",
            records=summary.total_rows,
            tables=len(summary.rows),
            cases=summary.rows.get("cases", 0),
            file=output,
        )
    )


@archive_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@unit_of_work.command
def import_command(file: str) -> None:
    """Restore an archive into this empty database, all or nothing."""
    try:
        summary = import_archive(db.session, None, file)
    except ArchiveRefused as refused:
        click.echo(_("Error: %(message)s", message=translate(refused.message)), err=True)
        raise SystemExit(1) from None  # the unit of work rolls everything back
    click.echo(
        _(
            "Imported %(records)s records of %(tables)s tables (%(cases)s cases) from %(file)s.",
            records=summary.total_rows,
            tables=len(summary.rows),
            cases=summary.rows.get("cases", 0),
            file=file,
        )
    )
