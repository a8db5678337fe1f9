"""The letter page shows the letter; "I posted it" counts once per one-time token."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, posted_token_from
from tests.pdf.factory import SENTINEL, make_appeal, make_case
from tests.public.conftest import World
from tracker.models import AppealCounter, PostedToken, User
from tracker.services.cases.editing import change_status
from tracker.services.letters.counters import counts_of
from tracker.services.letters.posted import issue_token


def letter_url(world: World, suffix: str = "") -> str:
    return f"/cases/{world.public.slug}/letters/{world.appeal.id}{suffix}"


def _sent(db: Any, appeal_id: int) -> int:
    db.expire_all()
    return counts_of(db, appeal_id)["sent"]


def _text(html: str) -> str:
    """The words of a page, without tags or the letter's bidi isolates (FSI ... PDI)."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#x2068;", "").replace("&#x2069;", "")
    return " ".join(re.sub("[\u2066-\u2069]", "", words).split())


def test_letter_page_shows_the_letter_its_language_and_asks(
    client: FlaskClient, world: World
) -> None:
    page = client.get(letter_url(world)).get_data(as_text=True)
    text = _text(page)
    assert "Letter in English" in text
    # The text as the PDF prints it, placeholders filled in from public data only.
    assert "Release Tran Thi Nga" in text
    assert "I am writing about Tran Thi Nga, a land rights activist" in text
    assert "What the letter asks" in text and "Release her immediately" in text
    assert "Dear Minister" in text and "Le Thanh Long" in text and "58-60 Tran Phu" in text
    assert "Copies to" in text and "Vo Van Thuong" in text and "President" in text
    assert SENTINEL not in page


def test_letter_in_persian_says_so_and_reads_right_to_left(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    appeal = make_appeal(
        db, caseworker, world.public, world.addressee, language="fa", subject="آزادی", asks=[]
    )
    db.commit()
    page = client.get(f"/cases/{world.public.slug}/letters/{appeal.id}").get_data(as_text=True)
    assert "Persian" in page and 'lang="fa" dir="rtl"' in page
    # No asks: no empty heading.
    assert "What the letter asks" not in page


def test_released_person_letter_page_gives_the_good_news(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    change_status(
        db,
        caseworker,
        world.public,
        "released",
        dt.date(2020, 1, 17),
        release_kind="early_release",
        public_note="She left for Germany with her family.",
    )
    db.commit()
    page = _text(client.get(letter_url(world)).get_data(as_text=True))
    assert "Good news: Tran Thi Nga is free" in page
    assert "released on 17 January 2020 (early release)" in page
    assert "She left for Germany" in page
    assert "This appeal is closed" not in page and "I posted my letter" not in page


def _post_sent(client: FlaskClient, world: World, token: str | None, csrf: str) -> str:
    data = {"csrf_token": csrf} | ({"token": token} if token is not None else {})
    response = client.post(letter_url(world, "/sent"), data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_replaying_one_posted_token_100_times_counts_once(
    client: FlaskClient, world: World, db: Any, app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "POSTED_RATE_LIMIT", 1000)  # the token alone decides
    csrf = csrf_token_from(client, letter_url(world))
    token = posted_token_from(client, letter_url(world))
    first = _post_sent(client, world, token, csrf)
    assert "Thank you for posting your letter" in first
    for _ in range(99):
        client.post(letter_url(world, "/sent"), data={"csrf_token": csrf, "token": token})
    assert _sent(db, world.appeal.id) == 1
    again = _post_sent(client, world, token, csrf)
    assert "already counted" in again and "Thank you for posting" not in again
    assert _sent(db, world.appeal.id) == 1
    # The token row holds a random id, the appeal and a day: nothing about the supporter.
    row = db.scalars(select(PostedToken)).one()
    assert len(row.id) == 24 and row.appeal_id == world.appeal.id


def test_forged_missing_and_foreign_tokens_count_nothing_and_say_so(
    client: FlaskClient, world: World, db: Any, caseworker: User, app: Any
) -> None:
    csrf = csrf_token_from(client, letter_url(world))
    real = posted_token_from(client, letter_url(world))
    appeal, issued, random_id, _signature = real.split(".")
    other = make_appeal(db, caseworker, world.public, world.addressee)
    db.commit()
    refused = [
        None,
        "",
        "not-a-token",
        f"{appeal}.{issued}.{random_id}.{'0' * 32}",  # forged signature
        f"{appeal}.{issued}.{'a' * 24}.{_signature}",  # another id under the same signature
        issue_token("someone-elses-secret", world.appeal.id, dt.date.today()),
        issue_token(app.config["SECRET_KEY"], other.id, dt.date.today()),  # for another letter
        issue_token(app.config["SECRET_KEY"], world.appeal.id, dt.date(2019, 1, 1)),  # too old
    ]
    for token in refused:
        page = _post_sent(client, world, token, csrf)
        assert "We could not count this letter" in page, token
    assert _sent(db, world.appeal.id) == 0
    assert db.scalar(select(func.count()).select_from(PostedToken)) == 0
    assert db.scalar(select(func.count()).select_from(AppealCounter)) == 0


def test_many_tokens_from_one_client_are_limited(
    client: FlaskClient, world: World, db: Any, app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "POSTED_RATE_LIMIT", 3)
    csrf = csrf_token_from(client, letter_url(world))
    for _ in range(5):
        page = _post_sent(client, world, posted_token_from(client, letter_url(world)), csrf)
    assert "Many letters were counted from your connection" in page
    assert _sent(db, world.appeal.id) == 3


def test_each_page_visit_gets_its_own_token_and_the_page_etag_ignores_it(
    client: FlaskClient, world: World
) -> None:
    first = client.get(letter_url(world))
    second = client.get(letter_url(world))
    assert first.headers["ETag"] == second.headers["ETag"]
    tokens = {posted_token_from(client, letter_url(world)) for _ in range(3)}
    assert len(tokens) == 3


def test_posted_on_a_closed_appeal_counts_nothing(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    csrf = csrf_token_from(client, letter_url(world))
    token = posted_token_from(client, letter_url(world))
    change_status(
        db, caseworker, world.public, "released", dt.date(2020, 1, 17), release_kind="pardon"
    )
    db.commit()
    _post_sent(client, world, token, csrf)
    assert _sent(db, world.appeal.id) == 0


def test_api_appeal_reads_downloads_and_letters_posted(
    client: FlaskClient, world: World, db: Any, caseworker: User, pdf_cache: Any
) -> None:
    from tracker.services.accounts.users import create_token

    api = create_token(db, None, caseworker, "tests")
    db.commit()
    client.get(letter_url(world, ".pdf"))
    csrf = csrf_token_from(client, letter_url(world))
    _post_sent(client, world, posted_token_from(client, letter_url(world)), csrf)
    headers = {"Authorization": f"Bearer {api}"}
    body = client.get(f"/api/v1/appeals/{world.appeal.id}", headers=headers).get_json()
    assert (body["downloads"], body["letters_posted"]) == (1, 1)
    listed = client.get(f"/api/v1/cases/{world.public.id}/appeals", headers=headers).get_json()
    assert [(a["downloads"], a["letters_posted"]) for a in listed["items"]] == [(1, 1)]


def test_unknown_case_sent_is_404(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    csrf = csrf_token_from(client, letter_url(world))
    hidden = make_case(db, caseworker, "VN-X-1", "Nobody Public", public=False)
    db.commit()
    url = f"/cases/{hidden.slug}/letters/{world.appeal.id}/sent"
    assert client.post(url, data={"csrf_token": csrf, "token": "x"}).status_code == 404


def test_campaign_page_shows_letters_posted_against_the_target(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    from tracker.models import Campaign
    from tracker.services.letters.editing import update_campaign

    campaign = db.scalars(select(Campaign)).one()
    update_campaign(db, caseworker, campaign, {"letter_target": 500})
    db.commit()
    csrf = csrf_token_from(client, letter_url(world))
    for _ in range(2):
        _post_sent(client, world, posted_token_from(client, letter_url(world)), csrf)
    page = _text(client.get(f"/?campaign={campaign.slug}").get_data(as_text=True))
    assert "2 of 500 letters posted" in page


def test_solidarity_letter_page_shows_the_prison_rules_only_with_consent(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    from tests.custody.conftest import ZANJAN
    from tracker.services.custody.facilities import create_facility
    from tracker.services.custody.placements import add_placement

    secret = "QQRULESENTINEL"
    facility = create_facility(
        db,
        caseworker,
        {**ZANJAN, "letter_rules": {**ZANJAN["letter_rules"], "notes": f"{secret} notes"}},
    )
    pages = {}
    for consent in (True, False):
        case = make_case(
            db,
            caseworker,
            f"IR-R-{consent}",
            f"Rules Person {consent}",
            country="IR",
            consent_detention_address=consent,
        )
        add_placement(db, caseworker, case, facility.id, dt.date(2019, 12, 1))
        appeal = make_appeal(
            db, caseworker, case, None, kind="solidarity", subject="Thinking of you", asks=[]
        )
        db.commit()
        page = client.get(f"/cases/{case.slug}/letters/{appeal.id}").get_data(as_text=True)
        pages[consent] = _text(page)
    shown = pages[True]
    assert "Before you post: what Zanjan Central Prison lets through" in shown
    assert "Persian" in shown and "Political slogans" in shown and f"{secret} notes" in shown
    assert "Zanjan-Tehran Road" in shown  # the letter itself is addressed there
    hidden = pages[False]
    assert "Zanjan" not in hidden and secret not in hidden and "Before you post" not in hidden
