"""`tracker reports releases`: the yearly report of releases as HTML, PDF, CSV or JSON."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.services.reports import releases as report_service
from tracker.services.reports.cached_pdf import release_report_pdf
from tracker.services.reports.data import (
    build_release_report,
    render_report_csv,
    render_report_json,
)
from tracker.services.reports.document import introduction, render_report_html
from tracker.unit_of_work import command


@click.group("reports")
def reports() -> None:
    """Reports built from the case data."""


@reports.command("releases")
@click.option("--year", type=int, required=True, help="The year to report on.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "csv", "json"]),
    default="html",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), required=True,
    help="File to write ('-' for standard output, not for pdf).",
)  # fmt: skip
@click.option("--public", is_flag=True, help="Name only public, consented cases.")
@command
def releases(year: int, fmt: str, output: str, public: bool) -> None:
    """Write the report of releases of YEAR (the staff view unless --public)."""
    if not report_service.valid_year(year):
        raise click.BadParameter(
            _(
                "between %(first)s and %(last)s",
                first=report_service.MIN_YEAR,
                last=report_service.MAX_YEAR,
            ),
            param_hint="--year",
        )
    if fmt == "pdf" and output == "-":
        raise click.BadParameter(_("a PDF needs a file name"), param_hint="-o")
    if fmt == "pdf":
        cached = release_report_pdf(
            db.session,
            year,
            public,
            current_app.config["PDF_CACHE_DIR"],
            current_app.config["ORGANISATION_NAME"],
            current_app.config,
        )
        data = cached.data
    else:
        report = build_release_report(db.session, year, public)
        if fmt == "html":
            organisation = current_app.config["ORGANISATION_NAME"]
            language = current_app.config["DEFAULT_LANGUAGE"]  # the CLI's language
            opening = introduction(current_app.config, year, organisation, language)
            text = render_report_html(
                report,
                organisation=organisation,
                inline_css=True,
                opening=opening,
                language=language,
            )
        elif fmt == "csv":
            text = render_report_csv(report)
        else:
            text = render_report_json(report)
        data = text.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with open(output, "wb") as fh:
        fh.write(data)
    wrote = (
        _("Wrote the public report of %(year)s (%(format)s, %(bytes)s bytes) to %(file)s")
        if public
        else _("Wrote the staff report of %(year)s (%(format)s, %(bytes)s bytes) to %(file)s")
    )
    click.echo(wrote % {"year": year, "format": fmt, "bytes": len(data), "file": output}, err=True)
