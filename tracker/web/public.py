"""The supporter site: active appeals, case pages, letters as PDFs, good news, the feed.

Every view works on the frozen objects of services.publishing; a case that is not public and
consented answers 404 everywhere here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError

from tracker import unit_of_work
from tracker.domain.errors import NotFound
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.labels import translate
from tracker.services.letters import counters, posted
from tracker.services.letters.compose import PAPERS, LetterError, Supporter
from tracker.services.letters.render import (
    cached_letter,
    content_disposition,
    personalised_letter,
)
from tracker.services.publishing import good_news as good_news_service
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.campaigns import public_campaign
from tracker.services.publishing.letter_page import (
    language_label,
    letter_preview,
    posting_rules,
)
from tracker.services.publishing.letter_state import AppealState
from tracker.services.publishing.objects import AppealCard
from tracker.web import public_pages

bp = Blueprint("public", __name__)


@bp.record_once
def _on_register(state: Any) -> None:
    state.app.config.setdefault("LETTER_RATE_LIMIT", 20)
    state.app.config.setdefault("LETTER_RATE_WINDOW_SECONDS", 600)
    state.app.config.setdefault("COUNTER_FLUSH_SECONDS", 10.0)
    # How long a server process may reuse the state of a letter it read (seconds). Any commit
    # that changes published data replaces a stamp file that every process checks first
    # (services.publishing.changes), so an edit or an unpublication is seen by every process
    # on this machine as soon as its request returned; 0 turns the memo off.
    state.app.config.setdefault("LETTER_STATE_TTL_SECONDS", 1.0)
    # How long a server process may reuse a public page or letter card it built (seconds): the
    # same stamp empties them at once on this machine; the bound is for other machines sharing
    # the database but not the stamp (README: several machines); 0 turns the memo off.
    state.app.config.setdefault("PUBLIC_PAGE_TTL_SECONDS", 60.0)


def _today() -> dt.date:
    return dt.date.today()


def _organisation() -> str:
    return str(current_app.config["ORGANISATION_NAME"])


def _cache_dir() -> str:
    return str(current_app.config["PDF_CACHE_DIR"])


def _or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound:
        abort(404)


@bp.get("/")
def home() -> str:
    today = _today()
    country = request.args.get("country", "").strip().upper() or None
    campaign = request.args.get("campaign", "").strip() or None

    def build() -> str:
        cards = public_service.active_appeal_cards(
            db.session, today, country=country, campaign=campaign
        )
        countries, campaigns = public_service.filter_choices(db.session, today)
        return public_pages.render_marked(
            "public/home.html",
            progress_slot=public_pages.mark("progress"),
            cards=cards,
            today=today,
            countries=countries,
            campaigns=campaigns,
            country=country or "",
            campaign=campaign or "",
        )

    progress = public_campaign(db.session, campaign) if campaign else None
    # A campaign's count changes with every letter posted: counted afresh, never kept.
    live = render_template("public/_campaign_progress.html", progress=progress) if progress else ""
    return public_pages.filled(public_pages.kept(build, today), progress=live)


@bp.get("/cases/<slug>")
def case(slug: str) -> Response:
    today = _today()

    def build() -> str:
        person = _or_404(public_service.public_case, db.session, slug)
        appeals = public_service.appeals_of_case(db.session, person)
        return public_pages.render_marked(
            "public/case.html",
            case=person,
            appeals=appeals,
            today=today,
            open_appeals=[a for a in appeals if a.is_open(today)],
        )

    return _revalidated(Response(public_pages.filled(public_pages.kept(build, today))))


@bp.get("/cases/<slug>/photo")
def photo(slug: str) -> Response:
    data, mime = _or_404(public_service.case_photo, db.session, slug)
    response = Response(data, mimetype=mime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _revalidated(response)


def _revalidated(response: Response, etag: str | None = None) -> Response:
    """A consent-gated answer: caches keep it but ask again each time (304 when unchanged).

    Consent can be withdrawn at any moment: no browser or proxy may serve such a page, letter or
    photo without asking, and the ETag makes asking cost a 304 without the body.
    """
    if etag:
        response.set_etag(etag)
    elif not response.get_etag()[0]:
        response.add_etag()
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _card(slug: str, appeal_id: int) -> AppealCard:
    """The public case and appeal, kept per process until anything published changes."""

    def load() -> AppealCard:
        person, appeal = _or_404(public_service.public_appeal, db.session, slug, appeal_id)
        return AppealCard(person, appeal)

    memo = current_app.extensions["public_pages"]
    ttl = float(current_app.config["PUBLIC_PAGE_TTL_SECONDS"])
    return memo.get(("card", slug, appeal_id), load, ttl=ttl, now=time.monotonic())  # type: ignore[no-any-return]


def _gone(card_case_id: int) -> ResponseReturnValue:
    others = public_service.other_open_cards(db.session, _today(), card_case_id)
    return render_template("public/letter_gone.html", others=others, today=_today()), 410


@bp.get("/cases/<slug>/letters/<int:appeal_id>")
def letter(slug: str, appeal_id: int) -> ResponseReturnValue:
    today = _today()

    def build() -> tuple[str, bool]:
        card = _card(slug, appeal_id)
        is_open = card.appeal.is_open(today) and card.case.is_held
        page = public_pages.render_marked(
            "public/letter.html",
            card=card,
            case=card.case,
            appeal=card.appeal,
            today=today,
            is_open=is_open,
            papers=PAPERS,
            # The letter's words are laid out here once per version of what it prints.
            text=letter_preview(card, today, _organisation()),
            rules=posting_rules(card),
            language_label=language_label(card.appeal.language, current_language()),
            posted_token=public_pages.mark("posted"),
        )
        return page, is_open

    kept, is_open = public_pages.kept(build, today, _organisation())
    page = public_pages.with_messages(kept)
    # The page carries this visitor's CSRF token, which is signed afresh on every request, and
    # a fresh one-time "I posted it" token: the ETag is the page without either, plus the
    # session's CSRF secret it was made from (a revisit answered 304 keeps its own token).
    token = posted.issue_token(_secret(), appeal_id, today) if is_open else ""
    page_with_tokens = public_pages.with_tokens(page, posted=token)
    digest = hashlib.sha256((page + str(session.get("csrf_token", ""))).encode())
    response = Response(page_with_tokens)
    response.cache_control.private = True
    return _revalidated(response, digest.hexdigest()[:32])


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def letter_state(slug: str, appeal_id: int) -> AppealState:
    """What decides whether and which letter to serve, from the per-process memo; else 404."""
    try:
        return current_app.extensions["letter_states"].get(  # type: ignore[no-any-return]
            db.session,
            slug,
            appeal_id,
            ttl=float(current_app.config["LETTER_STATE_TTL_SECONDS"]),
            now=time.monotonic(),
        )
    except NotFound:
        abort(404)


def _paper() -> str:
    paper = (request.values.get("paper") or "a4").lower()
    if paper not in PAPERS:
        abort(400)
    return paper


def _count_download(appeal_id: int) -> None:
    tally = current_app.extensions["download_tally"]
    tally.add(appeal_id, _today())
    # Written by the tally's timer within COUNTER_FLUSH_SECONDS (tracker/web/download_counts);
    # 0 writes each count with its request.
    if float(current_app.config["COUNTER_FLUSH_SECONDS"]) <= 0:
        try:
            tally.flush(db.session)  # committed with the request
        except OperationalError as exc:
            # A read-only database (instance folder): the letter is still served; the tally
            # of these downloads is lost, which is better than refusing the letter.
            unit_of_work.rollback()
            current_app.logger.warning("download counts not written: %s", exc.orig)


@bp.get("/cases/<slug>/letters/<int:appeal_id>.pdf")
def letter_pdf(slug: str, appeal_id: int) -> ResponseReturnValue:
    paper = _paper()
    state = letter_state(slug, appeal_id)
    today = _today()
    if not state.is_open(today):
        return _gone(state.case_id)
    try:
        cached = cached_letter(
            _cache_dir(),
            state,
            lambda: _card(slug, appeal_id),
            paper=paper,
            today=today,
            organisation=_organisation(),
            reader=current_language(),
        )
    except LetterError as exc:
        return render_template("public/letter_error.html", message=translate(exc.message)), 422
    _count_download(appeal_id)
    # A letter is tens of kilobytes: reading it whole is cheaper than a file wrapper.
    response = Response(cached.data, mimetype="application/pdf")
    response.set_etag(cached.etag)
    response.headers["Content-Disposition"] = content_disposition(state.case_name, appeal_id, paper)
    return _revalidated(response)


def _rate_limited(slug: str, appeal_id: int) -> Response | None:
    """Count this personalised letter against the client's limit; the 429 page once over it."""
    key = counters.client_key(
        str(current_app.config["SECRET_KEY"]), "letter", request.remote_addr or "unknown"
    )
    allowed = counters.allow(
        db.session,
        key,
        limit=int(current_app.config["LETTER_RATE_LIMIT"]),
        window_seconds=int(current_app.config["LETTER_RATE_WINDOW_SECONDS"]),
    )
    unit_of_work.keep_changes()  # the hit counts even when the answer is 429
    if allowed:
        return None
    response = Response(
        render_template("public/rate_limited.html", slug=slug, appeal_id=appeal_id), status=429
    )
    response.headers["Retry-After"] = str(current_app.config["LETTER_RATE_WINDOW_SECONDS"])
    return response


@bp.post("/cases/<slug>/letters/<int:appeal_id>.pdf")
def personalised_pdf(slug: str, appeal_id: int) -> ResponseReturnValue:
    paper = _paper()
    state = letter_state(slug, appeal_id)
    today = _today()
    if not state.is_open(today):
        return _gone(state.case_id)
    refused = _rate_limited(slug, appeal_id)
    if refused is not None:
        return refused
    card = _card(slug, appeal_id)
    try:
        supporter = Supporter.from_form(
            request.form.get("name", ""), request.form.get("address", "")
        )
        data = personalised_letter(
            _cache_dir(),
            state,
            card,
            supporter,
            paper=paper,
            today=today,
            organisation=_organisation(),
            reader=current_language(),
        )
    except LetterError as exc:
        flash(translate(exc.message), "error")
        return redirect(url_for("public.letter", slug=slug, appeal_id=appeal_id))
    counters.add_counts(db.session, appeal_id, today, downloads=1)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(state.case_name, appeal_id, paper)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/good-news")
def good_news() -> str:
    news = good_news_service.good_news(db.session)
    return render_template("public/good_news.html", news=news)


@bp.get("/feed.atom")
def feed() -> Response:
    news = good_news_service.good_news(db.session, limit=50)
    updated = max((n.updated for n in news), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    body = render_template("public/feed.xml", news=news, updated=updated)
    return Response(body, mimetype="application/atom+xml")
