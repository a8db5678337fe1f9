"""Supporter actions beside the letter pages: "I posted it", /write, birthdays, a case's feed.

Routes of the `public` blueprint (tracker.web.public), kept here so each module stays short.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from babel.dates import format_skeleton
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import unit_of_work
from tracker.domain.errors import NotFound
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.services.letters import counters, posted
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.birthdays import coming_birthdays
from tracker.services.publishing.write import WriteChoice, WriteMemo
from tracker.web.public import bp, letter_state

LIMITED = "limited"
POSTED_MESSAGES: dict[str, tuple[str, str]] = {
    LIMITED: (
        _l(
            "Many letters were counted from your connection just now; please press the button "
            "again later. Thank you for writing!"
        ),
        "info",
    ),
    posted.Redeemed.COUNTED: (
        _l("Thank you for posting your letter. Every letter counts."),
        "success",
    ),
    posted.Redeemed.ALREADY: (
        _l(
            "This letter was already counted. Thank you! To count another letter, reload this "
            "page after downloading it."
        ),
        "info",
    ),
    posted.Redeemed.INVALID: (
        _l(
            "We could not count this letter: the page was too old or incomplete. Please reload "
            "the page and press the button again. Thank you for writing!"
        ),
        "info",
    ),
}


@bp.record_once
def _on_register(state: Any) -> None:
    app = state.app
    # How long a process reuses the list of letters /write picks from (seconds); a publication
    # (the stamp of services.publishing.changes) or a new day reads it again at once.
    app.config.setdefault("WRITE_CHOICES_TTL_SECONDS", 300.0)
    app.config.setdefault("POSTED_RATE_LIMIT", 30)
    app.extensions["write_memo"] = WriteMemo(app.extensions["publication_stamp"])
    app.extensions["write_rng"] = random.Random()  # noqa: S311 - a fair pick, not a secret


def _today() -> dt.date:
    return dt.date.today()


def _posted_allowed() -> bool:
    """A shared limit per client on "I posted it" (keyed hash of the address, no address)."""
    key = counters.client_key(
        str(current_app.config["SECRET_KEY"]), "posted", request.remote_addr or "unknown"
    )
    return counters.allow(
        db.session,
        key,
        limit=int(current_app.config["POSTED_RATE_LIMIT"]),
        window_seconds=int(current_app.config["LETTER_RATE_WINDOW_SECONDS"]),
    )


@bp.post("/cases/<slug>/letters/<int:appeal_id>/sent")
def letter_sent(slug: str, appeal_id: int) -> ResponseReturnValue:
    state = letter_state(slug, appeal_id)
    outcome: str = posted.Redeemed.INVALID
    if not _posted_allowed():
        outcome = LIMITED
    elif state.is_open(_today()):
        outcome = posted.redeem(
            db.session,
            str(current_app.config["SECRET_KEY"]),
            request.form.get("token", ""),
            state.appeal_id,
            _today(),
        )
    unit_of_work.keep_changes()
    message, category = POSTED_MESSAGES[outcome]
    flash(str(message), category)
    return redirect(url_for("public.letter", slug=slug, appeal_id=appeal_id) + "#sent")


def _open_choice(choice: WriteChoice, today: dt.date) -> bool:
    """Whether the picked letter is still served (it may have closed since the list was read)."""
    try:
        state = current_app.extensions["letter_states"].get(
            db.session,
            choice.slug,
            choice.appeal_id,
            ttl=float(current_app.config["LETTER_STATE_TTL_SECONDS"]),
            now=time.monotonic(),
        )
    except NotFound:
        return False
    return bool(state.is_open(today))


@bp.get("/write")
def write() -> ResponseReturnValue:
    lang = request.args.get("lang", "").strip()[:35] or None
    campaign = request.args.get("campaign", "").strip()[:120] or None
    today, memo = _today(), current_app.extensions["write_memo"]
    pool = memo.pool(
        db.session,
        today,
        lang=lang,
        campaign=campaign,
        ttl=float(current_app.config["WRITE_CHOICES_TTL_SECONDS"]),
        now=time.monotonic(),
    )
    tried: set[int] = set()
    while len(tried) < 5:
        choice = pool.pick(current_app.extensions["write_rng"], frozenset(tried))
        if choice is None:
            break
        # Several machines without a shared stamp run with LETTER_STATE_TTL_SECONDS = 0.
        trusted = memo.trusted and float(current_app.config["LETTER_STATE_TTL_SECONDS"]) > 0
        if trusted or _open_choice(choice, today):
            response = redirect(
                url_for("public.letter", slug=choice.slug, appeal_id=choice.appeal_id)
            )
            response.headers["Cache-Control"] = "no-store"  # a new pick on every visit
            return response
        tried.add(choice.appeal_id)
        memo.forget()
    flash(_("No letter matches this choice right now. Here are all the open appeals."), "info")
    return Response(
        status=302, headers={"Location": url_for("public.home"), "Cache-Control": "no-store"}
    )


def _day_month(month: int, day: int) -> str:
    """A birthday as the reader's language writes a day and month ("10 December", "10 décembre")."""
    # A leap year, so 29 February can be written; the year itself is never shown.
    return format_skeleton("MMMMd", dt.date(2000, month, day), locale=current_language())


@bp.get("/birthdays")
def birthdays() -> ResponseReturnValue:
    coming = coming_birthdays(db.session, _today())
    page = render_template("public/birthdays.html", birthdays=coming, day_month=_day_month)
    response = Response(page)
    response.cache_control.no_cache = True  # consent can be withdrawn at any moment
    return response


@bp.get("/cases/<slug>/feed.atom")
def case_feed(slug: str) -> ResponseReturnValue:
    try:
        person = public_service.public_case(db.session, slug)
    except NotFound:
        abort(404)
    changes = list(reversed(person.history))
    updated = max((c.recorded_at for c in changes), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    body = render_template("public/case_feed.xml", case=person, changes=changes, updated=updated)
    response = Response(body, mimetype="application/atom+xml")
    response.cache_control.no_cache = True
    return response
