"""Printed packs for a campaign in a job: the letters with progress, or an event pack around them.

An event pack is what an organiser prints for a letter-writing event: a cover with their
instructions, a one-page brief per person (public summary, photo only with consent, what to
ask), the letters, and a tally sheet to count the letters written. Everything in it comes from
the public view objects (services/publishing), so nothing private can be printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.messages import M_
from tracker.domain.scripts import native_lang
from tracker.domain.vocabulary import Status
from tracker.models import Campaign, Case
from tracker.pdf import RenderRefused, collection_paused, render_pdf
from tracker.services.letters.compose import LetterError, stylesheets
from tracker.services.letters.pack import chunk_sizes, render_pack, rendered_chunks
from tracker.services.letters.terms import language_names
from tracker.services.publishing.objects import AppealCard, PublicAppeal
from tracker.services.publishing.queries import PUBLISHABLE
from tracker.services.reports.localised import country_label, direction, site_translations
from tracker.services.templating import render_document_in

MAX_INSTRUCTIONS = 4000
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True, slots=True)
class EventCampaign:
    """What the cover prints about the campaign."""

    name: str
    slug: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    instructions: str

    @classmethod
    def of(cls, campaign: Campaign, instructions: str) -> EventCampaign:
        """From the campaign row; the organiser's instructions default to its description."""
        return cls(
            campaign.name,
            campaign.slug,
            campaign.starts_on,
            campaign.ends_on,
            (instructions or campaign.description or "").strip(),
        )


def in_language(cards: Sequence[AppealCard], language: str) -> list[AppealCard]:
    """The letters in `language` (a tag such as `fa` also takes `fa-IR`); all when empty."""
    if not language:
        # By language, then as listed: an organiser hands each table one pile.
        return sorted(cards, key=lambda c: (c.appeal.language or "en").lower())
    wanted = language.lower()
    return [
        c
        for c in cards
        if (c.appeal.language or "en").lower() == wanted
        or (c.appeal.language or "en").lower().split("-")[0] == wanted
    ]


def consented_photos(session: Session, cards: Sequence[AppealCard]) -> dict[int, tuple[bytes, str]]:
    """The photos of the pack's people who consented to their photo being shown, by case id."""
    ids = sorted({c.case.id for c in cards if c.case.has_photo})
    if not ids:
        return {}
    rows = session.execute(
        select(Case.id, Case.photo, Case.photo_type).where(
            Case.id.in_(ids), PUBLISHABLE, Case.consent_photo.is_(True), Case.photo.is_not(None)
        )
    ).all()
    return {r.id: (r.photo, r.photo_type) for r in rows if r.photo_type in PHOTO_TYPES}


def render_letters(
    cards: Sequence[AppealCard],
    *,
    paper: str,
    today: dt.date,
    organisation: str,
    title: str,
    progress: Callable[[float], None] | None = None,
    share: tuple[float, float] = (0.0, 0.98),
    workers: int = 1,
    reader: str = "en",
    before: Sequence[bytes] = (),
    after: Sequence[bytes] = (),
) -> bytes:
    """The letters of a pack, laid out by `workers` forked processes (chunks of PACK_CHUNK).

    `share` is the part of the job's progress these letters account for; `reader` the language
    of the guidance page after each solidarity letter; `before` and `after` PDFs joined around
    the letters in the same pass.
    """
    if not cards:
        raise LetterError(M_("There is no active appeal to print."))
    start, end = share
    total = len(cards)

    def on_page(page: int) -> None:
        if progress:
            progress(start + (end - start) * min(page, total) / total)

    return render_pack(
        cards,
        paper=paper,
        today=today,
        organisation=organisation,
        title=title,
        on_page=on_page,
        workers=workers,
        reader=reader,
        before=before,
        after=after,
    )


def _document(
    template: str,
    paper: str,
    files: dict[str, tuple[bytes, str]],
    pages: int,
    reader: str,
    **context: object,
) -> bytes:
    html = render_document_in(reader, template, **context)
    try:
        return render_pdf(
            html,
            stylesheets(paper, "css/event-pack.css"),
            max_pages=pages,
            seconds=120,
            files=files,
        )
    except RenderRefused as exc:
        raise LetterError(
            M_("The event pack cannot be printed: %(reason)s", reason=exc.message)
        ) from None


def render_event_pack(
    cards: Sequence[AppealCard],
    *,
    campaign: EventCampaign,
    photos: dict[int, tuple[bytes, str]],
    paper: str,
    today: dt.date,
    organisation: str,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    reader: str = "en",
) -> bytes:
    """Cover and briefs, the letters, and the tally sheet, in one PDF.

    The pack's own words (cover, briefs, tally sheet, guidance pages) are in `reader`'s
    language; each letter is in its appeal's.
    """
    if not cards:
        raise LetterError(M_("There is no active appeal to print."))
    if len(campaign.instructions) > MAX_INSTRUCTIONS:
        raise LetterError(
            M_("The instructions may be at most %(limit)s characters.", limit=MAX_INSTRUCTIONS)
        )
    people: dict[int, AppealCard] = {}
    appeals_of: dict[int, list[PublicAppeal]] = {}
    for card in cards:
        people.setdefault(card.case.id, card)
        # Grouped in one pass: a scan of every card per person took 25 million steps at 5,000.
        appeals_of.setdefault(card.case.id, []).append(card.appeal)
    languages = sorted({(c.appeal.language or "en") for c in cards})
    words = site_translations(reader)
    title = words.gettext("%(campaign)s: event pack") % {"campaign": campaign.name}
    names = dict(zip(languages, language_names(tuple(languages), reader), strict=True))
    context: dict[str, Any] = {
        "lang": reader,
        "dir": direction(reader),
        "campaign": campaign,
        "cards": cards,
        "people_count": len(people),
        "languages": languages,
        "language_names": names,
        "language_list": format_list(list(names.values()), locale=reader.replace("-", "_")),
        "country_names": {c.case.id: country_label(c.case.country, reader) for c in cards},
        "status_labels": {c.case.id: words.gettext(Status(c.case.status).label) for c in cards},
        "dates": _dates(campaign, today, reader),
        "today": today,
        "organisation": organisation,
        "title": title,
        # A name in its own script takes the font of its language (the report's rule).
        "native_lang": {c.case.id: native_lang(c.case.name_native, c.case.country) for c in cards},
    }
    front = _front(list(people.values()), appeals_of, photos, context, paper, workers, progress)
    tally = _tally(cards, context, paper, workers)
    # One join of everything, as the letters' chunks come: the letters are never written out
    # whole and read back (a second join held a 1,000-person pack twice: 407 MB).
    return render_letters(
        cards,
        paper=paper,
        today=today,
        organisation=organisation,
        title=str(context["title"]),
        progress=progress,
        share=(0.1, 0.95),
        workers=workers,
        reader=reader,
        before=front,
        after=tally,
    )


# Rows of the tally sheet per document: a table's layout grows faster than its rows (500 rows
# 3.6 s and 151 MB, 5,000 rows 50.1 s and 870 MB in one document: docs/performance.md).
TALLY_ROWS = 500


def _tally(
    cards: Sequence[AppealCard], context: dict[str, Any], paper: str, workers: int
) -> list[bytes]:
    """The tally sheet, in documents of at most TALLY_ROWS rows laid out in the layout
    processes when there is more than one; the heading in the first, the sum in the last."""
    shared = {k: v for k, v in context.items() if k not in ("cards", *_PER_PERSON)}
    count = -(-len(cards) // TALLY_ROWS)
    jobs: list[_PartJob] = []
    for n in range(count):
        rows = list(cards[n * TALLY_ROWS : (n + 1) * TALLY_ROWS])
        chunk = {**shared, "cards": rows, "first": n == 0, "last": n == count - 1}
        jobs.append((TALLY, paper, {}, 4 + 2 * len(rows), str(context["lang"]), chunk))
    if len(jobs) == 1:
        return [_part(jobs[0])]
    workers = max(1, min(workers, 4))
    return list(rendered_chunks(jobs, workers, None, _part_in_layout_process))


def _front(
    people: list[AppealCard],
    appeals_of: dict[int, list[PublicAppeal]],
    photos: dict[int, tuple[bytes, str]],
    context: dict[str, Any],
    paper: str,
    workers: int,
    progress: Callable[[float], None] | None,
) -> list[bytes]:
    """The cover and a brief per person, in chunks of at most PACK_CHUNK briefs laid out in the
    pack's layout processes like the letters: as one document in the job's process, the briefs
    of 5,000 people broke its 120 s limit (docs/performance.md, "Event packs")."""
    shared = {k: v for k, v in context.items() if k not in ("cards", *_PER_PERSON)}
    workers = max(1, min(workers, 4))  # as the letters (render_pack)
    jobs, start = [], 0
    for size in chunk_sizes(len(people), workers):
        part = people[start : start + size]
        ids = [card.case.id for card in part]
        own = {k: {i: context[k][i] for i in ids} for k in _PER_PERSON}
        urls = {i: f"photos/{i}.{PHOTO_TYPES[photos[i][1]]}" for i in ids if i in photos}
        chunk = {
            **shared,
            **own,
            "cover": start == 0,
            "letters_count": len(context["cards"]),
            "people": part,
            "appeals_of": {i: appeals_of[i] for i in ids},
            "photo_urls": urls,
        }
        # Only the photos of the chunk's people, served to the renderer from memory.
        files = {url: photos[i] for i, url in urls.items()}
        pages = 4 + 2 * sum(len(appeals_of[i]) for i in ids)
        jobs.append((FRONT, paper, files, pages, str(context["lang"]), chunk))
        start += size
    if len(jobs) == 1:
        parts = [_part(jobs[0])]
    else:
        parts = []
        for laid_out in rendered_chunks(jobs, workers, None, _part_in_layout_process):
            parts.append(laid_out)
            if progress:
                progress(0.1 * len(parts) / len(jobs))
    if progress:
        progress(0.1)
    return parts


# What the briefs print about each person, by case id: a chunk carries only its people's.
_PER_PERSON = ("country_names", "status_labels", "native_lang")
FRONT, TALLY = "letters/event_front.html", "letters/event_tally.html"
# One document of the pack besides the letters: template, paper, files, page limit, reader
# language and the template's context.
_PartJob = tuple[str, str, dict[str, tuple[bytes, str]], int, str, dict[str, Any]]


def _part(job: _PartJob) -> bytes:
    template, paper, files, pages, reader, context = job
    return _document(template, paper, files, pages, reader, **context)


def _part_in_layout_process(job: _PartJob) -> bytes:
    """One chunk of briefs or tally rows in a pack's layout process (collection_paused)."""
    with collection_paused():
        return _part(job)


def _dates(campaign: EventCampaign, today: dt.date, reader: str) -> dict[str, str]:
    """The cover's dates as the reader's language writes them ("3 décembre 2026")."""
    locale = reader.replace("-", "_")

    def long(day: dt.date | None) -> str:
        return str(format_date(day, format="long", locale=locale)) if day else "…"

    return {
        "starts_on": long(campaign.starts_on),
        "ends_on": long(campaign.ends_on),
        "today": long(today),
    }
