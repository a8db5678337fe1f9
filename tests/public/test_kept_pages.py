"""Public pages kept per process: an edit shows at once, languages and visitors never mix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g
from flask.testing import FlaskClient

from tests.conftest import csrf_token_from, login_as, make_app, posted_token_from
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tests.public.conftest import OtherProcess, World
from tests.web.test_cases import form_values
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.models import Appeal, Case, User
from tracker.services.accounts.users import create_token
from tracker.services.cases.editing import update_case
from tracker.services.letters.editing import create_campaign
from tracker.services.publishing.changes import Stamp
from tracker.services.publishing.page_memo import PageMemo


def _pages(world: World) -> dict[str, str]:
    slug = world.public.slug
    return {
        "home": "/",
        "case": f"/cases/{slug}",
        "letter": f"/cases/{slug}/letters/{world.appeal.id}",
    }


def test_a_case_edited_on_the_staff_site_shows_at_once_on_its_public_pages(
    app: Flask, client: FlaskClient, world: World, caseworker: User
) -> None:
    pages = _pages(world)
    for url in pages.values():
        assert "Tran Thi Nga" in client.get(url).text  # now kept by this process
    assert "A summary written this morning." not in client.get(pages["case"]).text
    assert len(app.extensions["public_pages"]) >= 3

    staff = app.test_client()
    login_as(staff, caseworker)
    edit = f"/staff/cases/{world.public.id}/edit"
    values = form_values(staff.get(edit).text)
    values.update(full_name="Tran Thi Nga Renamed", summary="A summary written this morning.")
    values.update(country=world.public.country, category=world.public.category)  # the <select>s
    assert staff.post(edit, data=values).status_code == 302

    case_page = client.get(pages["case"]).text
    assert "A summary written this morning." in case_page
    for name, url in pages.items():
        assert "Tran Thi Nga Renamed" in client.get(url).text, name


def test_an_appeal_edited_through_the_api_shows_at_once_on_the_letter_page(
    client: FlaskClient, db: Any, world: World, admin: User
) -> None:
    letter = _pages(world)["letter"]
    assert "I respectfully ask you to act." in client.get(letter).text
    token = create_token(db, None, admin, "tests")
    db.commit()
    url = f"/api/v1/appeals/{world.appeal.id}"
    auth = {"Authorization": f"Bearer {token}"}
    etag = client.get(url, headers=auth).headers["ETag"]
    body = "Dear Minister, free {{ case.name }} today.\n\nThis text was changed through the API."
    response = client.patch(url, json={"body": body}, headers={**auth, "If-Match": etag})
    assert response.status_code == 200

    page = client.get(letter).text
    assert "This text was changed through the API." in page
    assert "I respectfully ask you to act." not in page


def test_a_renamed_campaign_and_a_withdrawn_appeal_show_at_once_on_the_home_page(
    client: FlaskClient, db: Any, world: World, caseworker: User
) -> None:
    assert "Write for Rights 2020" in client.get("/").text
    campaign = world.appeal.campaign
    campaign.name = "Write for Rights, renamed"
    db.commit()
    assert "Write for Rights, renamed" in client.get("/").text

    appeal = db.get(Appeal, world.appeal.id)
    appeal.status = "closed"
    db.commit()
    assert f"/letters/{world.appeal.id}" not in client.get("/").text


def _visit(app: Flask, url: str, cookie: str = "", **headers: str) -> str:
    """A page as a new visitor gets it (the test's app context would otherwise keep the
    language of the first request in `g`, which a served request never shares)."""
    g.pop("_language", None)
    g.pop("_flask_babel", None)
    visitor = app.test_client()
    if cookie:
        visitor.set_cookie("lang", cookie)
    return visitor.get(url, headers=headers).text


def test_languages_never_mix_in_kept_pages(app: Flask, world: World) -> None:
    for url in _pages(world).values():
        french = _visit(app, url, **{"Accept-Language": "fr"})
        assert '<html lang="fr"' in french and "Écrire une lettre" in french, url
        assert _visit(app, url + "?lang=fr").count("Écrire") == french.count("Écrire")
        for language, words in (("en", "Write a letter"), ("ar", "اكتب رسالة")):
            page = _visit(app, url + f"?lang={language}")
            assert f'<html lang="{language}"' in page and words in page, (url, language)
            assert "Écrire une lettre" not in page, (url, language)
            assert words not in french
        assert '<html lang="fr"' in _visit(app, url, cookie="fr")
        assert '<html lang="en"' in _visit(app, url)


def test_kept_letter_pages_carry_each_visitors_own_tokens_and_messages(
    app: Flask, world: World
) -> None:
    letter = _pages(world)["letter"]
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_token_from(c, letter) for c in (first, second)]
    assert tokens[0] != tokens[1]
    assert posted_token_from(first, letter) != posted_token_from(first, letter)
    assert "slot-" not in first.get(letter).text

    # The first visitor's "I posted it" message is theirs alone, shown once.
    sent = first.post(
        letter + "/sent",
        data={"csrf_token": tokens[0], "token": posted_token_from(first, letter)},
    )
    assert sent.status_code == 302
    thanks = "Thank you for posting your letter."
    assert thanks not in second.get(letter).text
    assert thanks in first.get(letter).text
    assert thanks not in first.get(letter).text
    # A kept page still takes a personalised letter with the visitor's own token.
    response = second.post(
        letter + ".pdf", data={"csrf_token": tokens[1], "name": "Jane Roe", "address": "1 St"}
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_campaigns_count_is_live_on_a_kept_home_page(
    client: FlaskClient, db: Any, world: World
) -> None:
    slug = world.appeal.campaign.slug
    assert "<strong>0</strong> letters posted" in client.get(f"/?campaign={slug}").text
    letter = _pages(world)["letter"]
    token = csrf_token_from(client, letter)
    posted = posted_token_from(client, letter)
    client.post(letter + "/sent", data={"csrf_token": token, "token": posted})
    assert "<strong>1</strong> letters posted" in client.get(f"/?campaign={slug}").text


def test_an_edit_in_one_process_shows_at_once_in_another(
    fresh_database: str, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    app = make_app(fresh_database, str(instance), PDF_CACHE_DIR=str(instance / "pdf-cache"))
    with app.app_context(), write_intent():
        case = make_case(_db.session, None, "VN-KEPT", "Kept Person")
        appeal = make_appeal(_db.session, None, case, make_addressee(_db.session, None))
        campaign = create_campaign(_db.session, None, {"name": "Campaign Before"})
        appeal.campaign_id = campaign.id
        _db.session.commit()
        slug, appeal_id = case.slug, appeal.id
    other = OtherProcess(fresh_database, instance)
    ask = other.ask

    case_page, letter = f"/cases/{slug}", f"/cases/{slug}/letters/{appeal_id}"
    try:
        assert ask("/", "Before") == "200 True"
        assert ask(case_page, "Rewritten") == "200 False"
        with app.app_context(), write_intent():
            row = _db.session.query(Case).filter_by(reference="VN-KEPT").one()
            update_case(_db.session, None, row, {"summary": "Rewritten summary."}, row.version)
            _db.session.get(Appeal, appeal_id).campaign.name = "Campaign After"
            _db.session.commit()
        assert ask(case_page, "Rewritten") == "200 True"
        assert ask("/", "After") == "200 True"
        assert ask(letter, "Kept") == "200 True"
        with app.app_context(), write_intent():
            row = _db.session.query(Case).filter_by(reference="VN-KEPT").one()
            update_case(_db.session, None, row, {"consent_publicity": False}, row.version)
            _db.session.commit()
        assert ask(case_page, "Kept") == "404 False"
        assert ask(letter, "Kept") == "404 False"
        assert ask("/", "Kept") == "200 False"
    finally:
        other.close()
        with app.app_context():
            _db.engine.dispose()


def test_the_page_memo_keeps_until_the_stamp_changes_or_the_time_is_up(tmp_path: Path) -> None:
    stamp = Stamp(tmp_path)
    memo = PageMemo(stamp, max_entries=3)
    built: list[str] = []

    def page(name: str, now: float) -> str:
        return memo.get(name, lambda: built.append(name) or name, ttl=60.0, now=now)

    page("a", 0.0), page("a", 59.0)
    assert built == ["a"]
    page("a", 61.0)  # expired
    stamp.touch()  # a publication in another process
    page("a", 62.0)
    assert built == ["a", "a", "a"]
    for name in "bcd":  # a fourth page empties it rather than growing it
        page(name, 63.0)
    assert len(memo) == 1
    # A stamp that cannot be read keeps nothing.
    (tmp_path / "publication-stamp").unlink()
    page("e", 64.0), page("e", 64.0)
    assert built[-2:] == ["e", "e"] and len(memo) == 0
