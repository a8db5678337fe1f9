"""The supporter site: pages, letters, counters, caching, 410, 429, CSRF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy import update as sa_update

from tests.conftest import csrf_token_from, posted_token_from
from tests.pdf.conftest import pdf_text
from tests.public.conftest import World
from tracker.models import Appeal, AppealCounter, User
from tracker.services.cases.editing import change_status, update_case
from tracker.services.letters.editing import update_addressee, update_appeal
from tracker.services.publishing import state_memo


def letter_url(world: World, suffix: str = "") -> str:
    return f"/cases/{world.public.slug}/letters/{world.appeal.id}{suffix}"


def test_home_lists_active_appeals_of_public_cases_with_filters(
    client: FlaskClient, world: World
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Tran Thi Nga" in page and "Write a letter" in page
    assert "Vietnam" in page and "Detained" in page and "days in detention" in page
    assert f"/cases/{world.public.slug}/photo" in page
    assert "Hidden Person" not in page and "Unconsented Person" not in page
    assert "Tran Thi Nga" not in client.get("/?country=IR").get_data(as_text=True)
    assert "Tran Thi Nga" in client.get("/?campaign=write-for-rights-2020").get_data(as_text=True)
    assert "Tran Thi Nga" not in client.get("/?campaign=other").get_data(as_text=True)


def test_case_page_shows_summary_timeline_and_appeals(client: FlaskClient, world: World) -> None:
    page = client.get(f"/cases/{world.public.slug}").get_data(as_text=True)
    assert "campaigned for the rights of migrant workers" in page
    assert "Arrested in January 2017." in page
    assert "H.E. Le Thanh Long" in page and "Vo Van Thuong" in page


def test_case_page_shows_good_news_after_release(
    client: FlaskClient, world: World, db: Any, caseworker: User
) -> None:
    change_status(
        db,
        caseworker,
        world.public,
        "released",
        dt.date(2020, 1, 9),
        release_kind="exile",
        public_note="Released into exile.",
    )
    db.commit()
    page = client.get(f"/cases/{world.public.slug}").get_data(as_text=True)
    assert "Good news" in page and "Released into exile." in page
    assert "Take action" not in page
    news = client.get("/good-news").get_data(as_text=True)
    assert "Tran Thi Nga" in news and "exile" in news
    feed = client.get("/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    assert "Tran Thi Nga: Released" in feed.get_data(as_text=True)


def test_non_public_cases_answer_404_everywhere_public(client: FlaskClient, world: World) -> None:
    for case, appeal in (
        (world.hidden, world.hidden_appeal),
        (world.unconsented, world.unconsented_appeal),
    ):
        base = f"/cases/{case.slug}"
        for url in (
            base,
            f"{base}/photo",
            f"{base}/letters/{appeal.id}",
            f"{base}/letters/{appeal.id}.pdf",
        ):
            assert client.get(url).status_code == 404, url
        token = csrf_token_from(client, letter_url(world))
        for url in (f"{base}/letters/{appeal.id}.pdf", f"{base}/letters/{appeal.id}/sent"):
            assert client.post(url, data={"csrf_token": token, "name": "A"}).status_code == 404
    # Someone else's appeal id under a public slug is not found either.
    assert (
        client.get(f"/cases/{world.public.slug}/letters/{world.hidden_appeal.id}").status_code
        == 404
    )


def test_plain_pdf_is_cached_with_etag_length_and_filename(
    client: FlaskClient, world: World, pdf_cache: Any
) -> None:
    first = client.get(letter_url(world, ".pdf"))
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.headers["ETag"] and int(first.headers["Content-Length"]) == len(first.data)
    disposition = first.headers["Content-Disposition"]
    assert 'filename="letter-tran-thi-nga-' in disposition and "filename*=UTF-8''" in disposition
    again = client.get(letter_url(world, ".pdf"))
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert (
        client.get(
            letter_url(world, ".pdf"), headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
    text = pdf_text(first.data)
    assert "Tran Thi Nga" in text and "Your name" in text
    letter = client.get(letter_url(world, ".pdf?paper=letter"))
    assert round(float(PdfReader(io.BytesIO(letter.data)).pages[0].mediabox[2])) == 612
    assert client.get(letter_url(world, ".pdf?paper=legal")).status_code == 400


@pytest.mark.parametrize("change", ["appeal", "addressee", "case"])
def test_cache_serves_a_new_pdf_at_once_after_an_edit(
    client: FlaskClient, world: World, pdf_cache: Any, db: Any, caseworker: User, change: str
) -> None:
    before = client.get(letter_url(world, ".pdf"))
    if change == "appeal":
        update_appeal(
            db, caseworker, world.appeal, {"asks": ["A brand new ask"]}, world.appeal.version
        )
        expected = "A brand new ask"
    elif change == "addressee":
        update_addressee(
            db,
            caseworker,
            world.addressee,
            {"salutation": "Dear Excellency"},
            world.addressee.version,
        )
        expected = "Dear Excellency,"
    else:
        update_case(
            db,
            caseworker,
            world.public,
            {"profession": "labour rights campaigner"},
            world.public.version,
        )
        expected = "labour rights campaigner"
    db.commit()
    after = client.get(letter_url(world, ".pdf"))
    assert after.headers["ETag"] != before.headers["ETag"]
    assert expected in pdf_text(after.data)


def test_personalised_pdf_prints_the_sender(
    client: FlaskClient, world: World, pdf_cache: Any
) -> None:
    token = csrf_token_from(client, letter_url(world))
    response = client.post(
        letter_url(world, ".pdf"),
        data={
            "csrf_token": token,
            "name": "Jane Supporter",
            "address": "1 Elm Row\nEdinburgh",
            "paper": "a4",
        },
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    assert "Jane Supporter" in text and "1 Elm Row" in text and "Edinburgh" in text


def test_csrf_required_on_every_public_post(client: FlaskClient, world: World) -> None:
    for url in (letter_url(world, ".pdf"), letter_url(world, "/sent")):
        assert client.post(url, data={"name": "X"}).status_code == 400


def test_downloads_and_sent_letters_are_counted_without_personal_data(
    client: FlaskClient, world: World, pdf_cache: Any, db: Any
) -> None:
    client.get(letter_url(world, ".pdf"))
    client.get(letter_url(world, ".pdf"))
    token = csrf_token_from(client, letter_url(world))
    posted = posted_token_from(client, letter_url(world))
    response = client.post(letter_url(world, "/sent"), data={"csrf_token": token, "token": posted})
    assert response.status_code == 302
    row = db.scalars(select(AppealCounter).where(AppealCounter.appeal_id == world.appeal.id)).one()
    assert (row.downloads, row.sent) == (2, 1)


@pytest.mark.parametrize("how", ["closed", "past_deadline"])
def test_closed_or_past_deadline_appeal_pdf_answers_410(
    client: FlaskClient, world: World, db: Any, caseworker: User, how: str, pdf_cache: Any
) -> None:
    token = csrf_token_from(client, letter_url(world))
    if how == "closed":
        update_appeal(db, caseworker, world.appeal, {"status": "closed"}, world.appeal.version)
    else:  # the date passes while the appeal is active (it cannot be saved so)
        db.execute(
            sa_update(Appeal)
            .where(Appeal.id == world.appeal.id)
            .values(deadline=dt.date(2020, 1, 1))
        )
    db.commit()
    response = client.get(letter_url(world, ".pdf"))
    assert response.status_code == 410
    assert "This appeal has ended" in response.get_data(as_text=True)
    post = client.post(letter_url(world, ".pdf"), data={"csrf_token": token, "name": "A"})
    assert post.status_code == 410


def test_release_closes_the_appeal_and_its_pdf_answers_410(
    client: FlaskClient, world: World, db: Any, caseworker: User, pdf_cache: Any
) -> None:
    change_status(
        db, caseworker, world.public, "released", dt.date(2020, 1, 9), release_kind="exile"
    )
    db.commit()
    assert client.get(letter_url(world, ".pdf")).status_code == 410


def test_rate_limit_on_personalised_letters_answers_429(
    app: Flask, client: FlaskClient, world: World, pdf_cache: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LETTER_RATE_LIMIT", 2)
    token = csrf_token_from(client, letter_url(world))
    data = {"csrf_token": token, "name": "Rate Tester", "address": "Street 1"}
    codes = [client.post(letter_url(world, ".pdf"), data=data).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    page = client.post(letter_url(world, ".pdf"), data=data)
    assert page.status_code == 429 and "Thank you for writing" in page.get_data(as_text=True)
    assert page.headers["Retry-After"]
    # The plain download still works.
    assert client.get(letter_url(world, ".pdf")).status_code == 200


def test_letter_page_has_personalisation_form_and_posted_button(
    client: FlaskClient, world: World
) -> None:
    page = client.get(letter_url(world)).get_data(as_text=True)
    for needle in (
        'name="name"',
        'name="address"',
        'name="paper"',
        "I posted my letter",
        letter_url(world, ".pdf"),
    ):
        assert needle in page


def test_cache_serves_a_new_pdf_at_once_after_a_copies_to_edit(
    client: FlaskClient, world: World, pdf_cache: Any, db: Any, caseworker: User
) -> None:
    before = client.get(letter_url(world, ".pdf"))
    update_addressee(
        db, caseworker, world.copy, {"position": "State President"}, world.copy.version
    )
    db.commit()
    after = client.get(letter_url(world, ".pdf"))
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "State President" in pdf_text(after.data)
    update_appeal(db, caseworker, world.appeal, {"copies_to": []}, world.appeal.version)
    db.commit()
    removed = client.get(letter_url(world, ".pdf"))
    assert removed.headers["ETag"] != after.headers["ETag"]
    assert "State President" not in pdf_text(removed.data)


def test_letter_state_read_elsewhere_is_reused_for_at_most_the_ttl(world: World, db: Any) -> None:
    # A write by another process reaches no event of this one: the memo must expire.
    memo = state_memo.StateMemo()
    slug, appeal_id = world.public.slug, world.appeal.id
    first = memo.get(db, slug, appeal_id, ttl=1.0, now=100.0)
    db.connection().execute(
        text("UPDATE cases SET version = version + 1 WHERE id = :id"), {"id": world.public.id}
    )
    assert memo.get(db, slug, appeal_id, ttl=1.0, now=100.5) == first
    assert memo.get(db, slug, appeal_id, ttl=1.0, now=101.5).versions != first.versions
    assert memo.get(db, slug, appeal_id, ttl=0.0, now=101.6).versions != first.versions


def test_a_write_in_this_process_empties_the_letter_state_memo(
    world: World, db: Any, caseworker: User
) -> None:
    memo = state_memo.install()
    slug, appeal_id = world.public.slug, world.appeal.id
    first = memo.get(db, slug, appeal_id, ttl=3600.0, now=100.0)
    update_case(db, caseworker, world.public, {"profession": "editor"}, world.public.version)
    db.flush()
    assert memo.get(db, slug, appeal_id, ttl=3600.0, now=100.1).versions != first.versions
