"""`tracker keys new|rotate`: the data key that encrypts private values at rest."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from tracker import unit_of_work
from tracker.crypto import DataKeyError, begin_rotation, finish_rotation, keyring, new_key
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.keys import lock_encrypted_tables, reencrypt_all


@click.group("keys")
def keys_group() -> None:
    """The data key that encrypts private values."""


@keys_group.command("new")
def keys_new() -> None:
    """Print a fresh data key (for TRACKER_DATA_KEY); nothing is changed."""
    click.echo(new_key())


@keys_group.command("rotate")
@unit_of_work.command
def keys_rotate() -> None:
    """Re-encrypt every private value under a new data key; the old key then decrypts nothing."""
    try:
        new, old = begin_rotation()
        lock_encrypted_tables(db.session)
        changed = reencrypt_all(db.session)
        # Rotation is two units of work: everything under the lock, then sweeps of stragglers.
        unit_of_work.finish(True)
        # A writer that encrypted under the old key just before the lock may have committed
        # since: sweep until nothing is left under it, while the old key is still on disk.
        while swept := reencrypt_all(db.session):
            changed += swept
            unit_of_work.finish(True)
        finish_rotation(old)
    except DataKeyError as exc:
        raise click.ClickException(translate(exc.message, as_written=True)) from None
    click.echo(_("Re-encrypted %(n)s values under data key %(key)s.", n=changed, key=new))
    if keyring.from_env:
        click.echo(
            _(
                "Now set TRACKER_DATA_KEY to the first key alone; %(keys)s decrypt nothing.",
                keys=", ".join(old),
            )
        )
    else:
        click.echo(
            _(
                "instance/data_key now holds key %(key)s: back it up now; "
                "database backups taken before today need the old key.",
                key=new,
            )
        )
