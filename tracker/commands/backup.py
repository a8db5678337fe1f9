"""`tracker db backup FILE`: a consistent copy of the database while the app keeps writing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.unit_of_work import command


def backup_sqlite(database: str, target: str | os.PathLike[str]) -> None:
    """Copy a live SQLite database with the online backup API, then check the copy."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(tmp_name)
    try:
        # pages=-1 copies in one step under one read transaction: the copy is the database
        # as of one moment, even in WAL mode while other processes commit.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise click.ClickException(
                _("the copy failed its integrity check: %(result)s", result=result)
            )
    finally:
        copy.close()
        source.close()
    os.replace(tmp_name, target)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@command
def backup_command(file: str) -> None:
    """Write a consistent copy of the database to FILE (SQLite; pg_dump for PostgreSQL)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise click.ClickException(_("an in-memory database cannot be backed up"))
        backup_sqlite(url.database, file)
        click.echo(_("Backed up %(database)s to %(file)s.", database=url.database, file=file))
        return
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            click.echo(
                _(
                    "PostgreSQL is backed up with its own tool: pg_dump --format=custom --file "
                    "FILE DATABASE (pg_dump is not installed here)."
                ),
                err=True,
            )
            sys.exit(1)
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        done = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell string
            [pg_dump, "--format=custom", "--file", file, libpq_url], check=False
        )
        if done.returncode != 0:
            click.echo(_("pg_dump failed; see its message above."), err=True)
            sys.exit(1)
        click.echo(_("Backed up with pg_dump to %(file)s.", file=file))
        return
    raise click.ClickException(
        _("no backup method for %(backend)s", backend=url.get_backend_name())
    )
