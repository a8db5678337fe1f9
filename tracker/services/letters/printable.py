"""Letters as staff preview and print them: any case and any appeal status, public columns only.

The letter still holds only the public columns, so a staff PDF can be handed out without
leaking private fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.messages import M_
from tracker.domain.placeholders import longest_value, uses_supporter
from tracker.models import Appeal, Campaign, Case
from tracker.pdf import RenderRefused, layout, release_memory, time_limit
from tracker.services.letters.compose import (
    CHARS_PER_LINE,
    LETTER_SECONDS,
    MAX_GUIDANCE_PAGES,
    MAX_LETTER_LINES,
    MAX_LETTER_PAGES,
    PAPERS,
    LetterError,
    Supporter,
    letter_context,
    letter_documents,
    stylesheets,
    too_many_pages_message,
)
from tracker.services.publishing.objects import AppealCard, PublicAppeal, PublicCase
from tracker.services.publishing.rows import (
    APPEAL_COLUMNS,
    CASE_COLUMNS,
    load_appeals,
    load_cases,
)


def printable_case(session: Session, case_id: int) -> PublicCase | None:
    """The public columns of any case (published or not), as a letter prints them."""
    found = load_cases(session, select(*CASE_COLUMNS).where(Case.id == case_id))
    return found[0] if found else None


def printable_appeal(session: Session, appeal_id: int) -> PublicAppeal | None:
    """Any appeal (draft, active or closed), as a letter prints it."""
    query = (
        select(*APPEAL_COLUMNS)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .where(Appeal.id == appeal_id)
    )
    found = load_appeals(session, query)
    return found[0] if found else None


def estimated_lines(letter: Mapping[str, Any]) -> int:
    """Lines the subject, body and asks of a letter take at least (CHARS_PER_LINE a line)."""
    texts = [str(letter["subject"]), *letter["asks"]]
    texts += re.split(r"<br>|</p>", str(letter["body"]))
    return sum(-(-len(re.sub(r"<[^>]*>", "", t)) // CHARS_PER_LINE) for t in texts if t)


def check_printable(card: AppealCard, *, today: dt.date, organisation: str) -> None:
    """Refuse (LetterError) a letter that would not print within the limits.

    Run when an appeal is saved active or activated, so that no download has to find out.
    First the text is filled with the longest value of every placeholder and its lines are
    counted (no layout: 10,000 one-letter lines are refused in milliseconds); then the letter
    as it is today is laid out on both papers within the page and time limits.
    """
    sender_mode = "lines"
    worst_supporter = supporter = None
    if uses_supporter(card.appeal.body) or uses_supporter(card.appeal.subject):
        sender_mode = "filled"
        worst_supporter = Supporter(
            longest_value("supporter.name"), longest_value("supporter.address")
        )
        supporter = Supporter("Supporter", "")
    worst = letter_context(
        card, today=today, sender_mode=sender_mode, supporter=worst_supporter, worst_case=True
    )
    lines = estimated_lines(worst)
    if lines > MAX_LETTER_LINES:
        raise LetterError(
            M_(
                "This letter cannot be printed: with the longest names and charges the fields "
                "allow it takes about %(lines)s lines; at most %(most)s fit on %(pages)s pages.",
                lines=lines,
                most=MAX_LETTER_LINES,
                pages=MAX_LETTER_PAGES,
            )
        )
    # The letter alone is held to MAX_LETTER_PAGES: a solidarity letter's guidance page is laid
    # out apart (services/letters/render.py) and is not counted.
    html, guidance = letter_documents(
        card,
        today=today,
        organisation=organisation,
        sender_mode=sender_mode,
        supporter=supporter,
    )
    for paper in PAPERS:
        try:
            with time_limit(LETTER_SECONDS):
                layout(html, stylesheets(paper), max_pages=MAX_LETTER_PAGES)
        except RenderRefused:
            raise LetterError(too_many_pages_message()) from None
        finally:
            release_memory()
    if guidance is not None:
        try:
            with time_limit(LETTER_SECONDS):
                layout(guidance, stylesheets("a4"), max_pages=MAX_GUIDANCE_PAGES)
        except RenderRefused as exc:
            raise LetterError(
                M_("The guidance page cannot be printed: %(problem)s", problem=exc.message)
            ) from None
        finally:
            release_memory()
