"""Supporter actions beside the letter pages: "I posted it", /write, birthdays, a case's feed.

Routes of the `public` blueprint (tracker.web.public), kept here so each module stays short.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from tracker import unit_of_work
from tracker.domain.errors import NotFound
from tracker.extensions import db
from tracker.services.letters import counters, posted
from tracker.services.publishing.letter_state import appeal_state
from tracker.web.public import bp

LIMITED = "limited"
POSTED_MESSAGES: dict[str, tuple[str, str]] = {
    LIMITED: (
        "Many letters were counted from your connection just now; please press the button "
        "again later. Thank you for writing!",
        "info",
    ),
    posted.Redeemed.COUNTED: ("Thank you for posting your letter. Every letter counts.", "success"),
    posted.Redeemed.ALREADY: (
        "This letter was already counted. Thank you! To count another letter, download it "
        "again from this page.",
        "info",
    ),
    posted.Redeemed.INVALID: (
        "We could not count this letter: the page was too old or incomplete. Please reload "
        "the page and press the button again. Thank you for writing!",
        "info",
    ),
}


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
        limit=int(current_app.config.get("POSTED_RATE_LIMIT", 30)),
        window_seconds=int(current_app.config["LETTER_RATE_WINDOW_SECONDS"]),
    )


@bp.post("/cases/<slug>/letters/<int:appeal_id>/sent")
def letter_sent(slug: str, appeal_id: int) -> ResponseReturnValue:
    try:
        state = appeal_state(db.session, slug, appeal_id)
    except NotFound:
        abort(404)
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
    flash(message, category)
    return redirect(url_for("public.letter", slug=slug, appeal_id=appeal_id) + "#sent")
