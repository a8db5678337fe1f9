"""`tracker worker`: the Huey consumer (jobs in worker processes) and the daily schedule."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from tracker.database import set_write_intent
from tracker.extensions import db
from tracker.jobs import runner
from tracker.jobs.queue import QueueConfigError, describe_queue, huey_for
from tracker.labels import translate


@click.command("worker")
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Worker processes (each renders one job at a time).",
)
@click.option("--no-schedule", is_flag=True, help="Do not run the periodic tasks here.")
@with_appcontext
def worker_command(workers: int, no_schedule: bool) -> None:
    """Run background jobs and the daily schedule until stopped (Ctrl-C or SIGTERM)."""
    # Jobs read in long transactions and write their state on short ones of their own: a
    # job's read must not hold SQLite's write lock (the CLI's default for commands).
    set_write_intent(False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # WeasyPrint's page-by-page messages feed the progress bar, not the log.
    logging.getLogger("weasyprint.progress").propagate = False
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    runner.use_app(app)
    try:
        huey = huey_for(app.config)
    except QueueConfigError as exc:
        raise click.ClickException(translate(str(exc), as_written=True)) from None
    requeued, failed = runner.reap_stale_jobs(app.config)
    db.session.remove()
    # Worker processes are forked from this one: no database connection may cross the fork.
    db.engine.dispose()
    click.echo(
        _(
            "Worker on %(queue)s: %(workers)s process(es), instance %(instance)s; "
            "%(requeued)s interrupted job(s) queued again, %(failed)s failed.",
            queue=describe_queue(app.config),
            workers=workers,
            instance=app.instance_path,
            requeued=requeued,
            failed=failed,
        ),
        err=True,
    )
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="process",
        periodic=not no_schedule,
        check_worker_health=True,
        health_check_interval=5,
    )
    consumer.run()
