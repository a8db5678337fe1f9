"""`tracker doctor`: the instance folder, database, queue, mail, keys and fonts in use."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tracker import unit_of_work
from tracker.extensions import db
from tracker.jobs.queue import QueueConfigError, describe_queue, huey_for
from tracker.labels import translate
from tracker.mail import MailConfigError, mail_settings


def _line(name: str, value: str, problem: str = "") -> bool:
    click.echo(f"{name:<10} {value}")
    if problem:
        click.echo(f"{'':<10} " + _("MISSING: %(problem)s", problem=problem))
    return not problem


def _instance_rule() -> str:
    if os.environ.get("TRACKER_INSTANCE_PATH"):
        return _("from TRACKER_INSTANCE_PATH")
    return _("the project's instance/ (set TRACKER_INSTANCE_PATH to choose another)")


@click.command("doctor")
@unit_of_work.command
def doctor() -> None:
    """Print what this installation would use, and what is missing (exit 1 when something is)."""
    app = current_app
    config = app.config
    good = _line("instance", f"{app.instance_path} ({_instance_rule()})")

    url = make_url(str(config["SQLALCHEMY_DATABASE_URI"]))
    problem = ""
    try:
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        shown = _(
            "%(url)s (schema %(version)s)",
            url=url.render_as_string(hide_password=True),
            version=version,
        )
    except Exception as exc:  # any failure is what the operator needs to see
        shown = url.render_as_string(hide_password=True)
        problem = _(
            "cannot read the schema version: %(error)s (run `tracker db upgrade`)",
            error=str(exc).splitlines()[0][:200],
        )
    good &= _line("database", shown, problem)

    problem = ""
    try:
        queue = describe_queue(config)
        huey = huey_for(config)
        huey.pending_count()
    except QueueConfigError as exc:
        problem = translate(str(exc), as_written=True)
    except Exception as exc:
        problem = _("cannot reach the queue: %(error)s", error=str(exc).splitlines()[0][:200])
    good &= _line("queue", queue, problem)
    kept = _(
        "%(folder)s (kept %(seconds)s s)",
        folder=config["JOBS_DIR"],
        seconds=config["JOB_RESULT_TTL"],
    )
    good &= _line("results", kept)

    try:
        settings = mail_settings(config)
        good &= _line(
            "mail",
            settings.describe() if settings else _("not configured"),
            "" if settings else _("set TRACKER_MAIL_URL and TRACKER_MAIL_FROM to send reminders"),
        )
    except MailConfigError as exc:
        good &= _line("mail", str(config.get("MAIL_URL")), translate(str(exc), as_written=True))

    if os.environ.get("TRACKER_SECRET_KEY"):
        key = _("secret key from TRACKER_SECRET_KEY")
    else:
        key = _("secret key in %(path)s", path=os.path.join(app.instance_path, "secret_key"))
    good &= _line("keys", key)

    from tracker.pdf import SCRIPT_FONTS, missing_script_fonts

    missing = missing_script_fonts()
    good &= _line(
        "fonts",
        ", ".join(family for _lang, family in SCRIPT_FONTS.values()),
        _("%(fonts)s (install fonts-noto-core fonts-noto-cjk)", fonts="; ".join(missing))
        if missing
        else "",
    )
    sys.exit(0 if good else 1)
