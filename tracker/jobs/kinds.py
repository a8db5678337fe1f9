"""What each kind of job does: read its parameters, render, and hand back a file (or nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_, N_
from tracker.services.letters import editing as letter_service
from tracker.services.letters import event_pack as packs
from tracker.services.letters.compose import PAPERS
from tracker.services.publishing import queries as public_service
from tracker.services.reports.cached_pdf import release_report_pdf
from tracker.services.reports.localised import site_translations


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a running job gets: a read session, the configuration, its parameters, progress."""

    session: Session
    config: Mapping[str, Any]
    params: dict[str, Any]
    progress: Callable[[float], None]


@dataclass(frozen=True, slots=True)
class JobResult:
    """A finished job's file."""

    data: bytes
    filename: str
    extension: str = "pdf"
    mimetype: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of job: its label for people and the function that does it."""

    label: str
    run: Callable[[JobContext], JobResult | None]


def pack_params(
    campaign_slug: str,
    *,
    paper: str = "a4",
    event: bool = False,
    language: str = "",
    instructions: str = "",
    today: dt.date,
) -> dict[str, Any]:
    """Checked parameters of a campaign pack job; ValidationError on bad input."""
    errors: dict[str, str] = {}
    if paper not in PAPERS:
        errors["paper"] = M_("Choose a4 or letter.")
    language = (language or "").strip()
    if len(language) > 35 or any(not (c.isalnum() or c == "-") for c in language):
        errors["language"] = M_("A language tag such as en, fa or zh-Hant.")
    if len(instructions or "") > packs.MAX_INSTRUCTIONS:
        errors["instructions"] = M_("At most %(limit)s characters.", limit=packs.MAX_INSTRUCTIONS)
    if errors:
        raise ValidationError("invalid pack request", errors)
    return {
        "campaign": campaign_slug,
        "paper": paper,
        "event": bool(event),
        "language": language,
        "instructions": (instructions or "").strip() if event else "",
        "today": today.isoformat(),
    }


def campaign_pack(ctx: JobContext) -> JobResult:
    """The campaign's letters, or its event pack (cover, briefs, letters, tally sheet)."""
    p = ctx.params
    campaign = letter_service.campaign_by_slug(ctx.session, p["campaign"])
    cards = public_service.active_campaign_appeals(ctx.session, campaign.slug)
    cards = packs.in_language(cards, p.get("language", ""))
    organisation = str(ctx.config["ORGANISATION_NAME"])
    today = dt.date.fromisoformat(p["today"])
    # Solidarity letters' guidance pages in the organisation's language (the pack's readers).
    reader = str(ctx.config.get("DEFAULT_LANGUAGE", "en"))
    if p.get("event"):
        data = packs.render_event_pack(
            cards,
            campaign=packs.EventCampaign.of(campaign, p.get("instructions", "")),
            photos=packs.consented_photos(ctx.session, cards),
            paper=p["paper"],
            today=today,
            organisation=organisation,
            progress=ctx.progress,
            workers=int(ctx.config.get("PACK_WORKERS", 1)),
            reader=reader,
        )
        prefix = "event-pack"
    else:
        data = packs.render_letters(
            cards,
            paper=p["paper"],
            today=today,
            organisation=organisation,
            title=site_translations(reader).gettext("%(campaign)s: letters")
            % {"campaign": campaign.name},
            progress=ctx.progress,
            workers=int(ctx.config.get("PACK_WORKERS", 1)),
            reader=reader,
        )
        prefix = "pack"
    suffix = f"-{p['language']}" if p.get("language") else ""
    return JobResult(data, f"{prefix}-{campaign.slug}{suffix}-{p['paper']}.pdf")


def release_report(ctx: JobContext) -> JobResult:
    """The yearly report PDF (staff or public view), from the shared PDF cache."""
    year, public = int(ctx.params["year"]), bool(ctx.params["public"])
    cached = release_report_pdf(
        ctx.session,
        year,
        public,
        str(ctx.config["PDF_CACHE_DIR"]),
        str(ctx.config["ORGANISATION_NAME"]),
        ctx.config,
    )
    suffix = "" if public else "-staff"
    return JobResult(cached.data, f"releases-{year}{suffix}.pdf")


KINDS: dict[str, Kind] = {
    "campaign_pack": Kind(N_("Campaign pack"), campaign_pack),
    "release_report": Kind(N_("Report of releases"), release_report),
}
