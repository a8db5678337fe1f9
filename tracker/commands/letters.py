"""`tracker letters pack`: every active appeal of a campaign in one printable PDF."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from tracker.domain.errors import NotFound
from tracker.extensions import db
from tracker.labels import translate
from tracker.services.letters import editing as letter_service
from tracker.services.letters.compose import PAPERS, LetterError
from tracker.services.letters.pack import render_pack
from tracker.services.publishing import queries as public_service
from tracker.unit_of_work import command


@click.group()
def letters() -> None:
    """Appeal letters."""


@letters.command("pack")
@click.option("--campaign", "campaign_slug", required=True, help="The campaign's slug.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True)
@command
def pack(campaign_slug: str, output: Path, paper: str) -> None:
    """Every active appeal of a campaign in ONE PDF (fonts embedded once), with a progress bar."""
    try:
        campaign = letter_service.campaign_by_slug(db.session, campaign_slug)
    except NotFound as exc:
        click.echo(_("Error: %(message)s", message=translate(exc.message)), err=True)
        sys.exit(1)
    cards = public_service.active_campaign_appeals(db.session, campaign.slug)
    if not cards:
        click.echo(
            _("Error: campaign '%(slug)s' has no active public appeal.", slug=campaign.slug),
            err=True,
        )
        sys.exit(1)
    # Each letter is one page or a few; the bar follows pages laid out, and ends when written.
    with click.progressbar(
        length=len(cards),
        label=_("Laying out %(n)s letters", n=len(cards)),
        file=sys.stderr,
        show_pos=True,
    ) as bar:
        seen = [0]

        def on_page(page: int) -> None:
            step = min(page, len(cards)) - seen[0]
            if step > 0:
                bar.update(step)
                seen[0] += step

        try:
            data = render_pack(
                cards,
                paper=paper,
                today=dt.date.today(),
                organisation=str(current_app.config["ORGANISATION_NAME"]),
                title=_("%(campaign)s: letters", campaign=campaign.name),
                on_page=on_page,
                reader=str(current_app.config["DEFAULT_LANGUAGE"]),
            )
        except LetterError as exc:
            click.echo("\n" + _("Error: %(message)s", message=translate(exc.message)), err=True)
            sys.exit(1)
        bar.update(len(cards) - seen[0])
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(output)
    click.echo(
        _(
            "Wrote %(n)s letters (%(kib)s KiB) to %(file)s",
            n=len(cards),
            kib=len(data) // 1024,
            file=output,
        )
    )
