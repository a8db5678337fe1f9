"""Good news that is true: releases and partial victories only, a re-arrest shown beside them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.models import Case, User
from tracker.services.cases.editing import change_status
from tracker.services.demo import load_demo

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client: FlaskClient) -> dict[str, str]:
    """The feed's entries: title -> summary."""
    # Our own feed, built by our templates: not untrusted input.
    root = ElementTree.fromstring(client.get("/feed.atom").data)  # noqa: S314
    return {
        e.findtext(f"{ATOM}title") or "": e.findtext(f"{ATOM}summary") or ""
        for e in root.iter(f"{ATOM}entry")
    }


def news_items(client: FlaskClient) -> dict[str, str]:
    """The good-news page's items: person -> the item's text."""
    page = client.get("/good-news").get_data(as_text=True)
    items = re.findall(r"<li[^>]*><h2><a [^>]*>([^<]+)</a></h2>(.*?)</li>", page, re.S)
    return {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)) for name, body in items}


def test_good_news_marks_narges_mohammadi_held_again_after_her_2020_release(
    client: FlaskClient, db: Any
) -> None:
    load_demo(db, None)
    db.commit()
    items = news_items(client)
    narges = items["Narges Mohammadi"]
    assert "released 8 October 2020 (early release)" in narges
    assert "Held again since November 2021 (detained)" in narges
    # Released people who stayed free carry no such mark.
    assert "Held again" not in items["Tran Thi Nga"] and "Held again" not in items["Wang Quanzhang"]
    feed = entries(client)
    title = "Narges Mohammadi: Released (early release), since held again"
    assert "Held again since November 2021" in feed[title]
    tran = [t for t in feed if t.startswith("Tran Thi Nga:")]
    assert tran and all(t.startswith("Tran Thi Nga: Released") for t in tran)
    assert all("held again" not in t for t in tran)


def test_good_news_and_feed_never_list_charged_or_detained_changes(
    client: FlaskClient, db: Any
) -> None:
    load_demo(db, None)
    db.commit()
    feed = entries(client)
    assert feed
    for title in feed:
        assert re.search(r": (Released|Restricted)\b", title), title
        assert "Charged" not in title and "Detained" not in title and "Sentenced" not in title
    items = news_items(client)
    # Only people with a release or partial victory; nobody who was only ever held.
    held_only = db.scalars(
        select(Case.full_name).where(Case.status.in_(["detained", "charged", "sentenced"]))
    ).all()
    for name in held_only:
        if name not in ("Narges Mohammadi", "Chen Aurelio"):  # released once, held again
            assert name not in items
    assert "Held again" in items["Chen Aurelio"]


def test_good_news_lists_a_partial_victory_and_a_second_release_unmarked(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    load_demo(db, None)
    db.flush()
    narges = db.scalars(select(Case).where(Case.full_name == "Narges Mohammadi")).one()
    # Out on medical furlough, then free: the later news is not marked held again.
    change_status(db, caseworker, narges, "restricted", dt.date(2024, 12, 4))
    change_status(
        db, caseworker, narges, "released", dt.date(2025, 6, 1), release_kind="sentence_served"
    )
    db.commit()
    page = client.get("/good-news").get_data(as_text=True)
    blocks = re.findall(r"<li[^>]*><h2><a [^>]*>Narges Mohammadi</a></h2>(.*?)</li>", page, re.S)
    assert len(blocks) == 3  # released 2025, restricted 2024, released 2020 (held again)
    assert "released 1 June 2025" in blocks[0] and "Held again" not in blocks[0]
    assert "out of prison under restrictions 4 December 2024" in blocks[1]
    assert "Held again" not in blocks[1]
    assert "released 8 October 2020" in blocks[2] and "Held again" in blocks[2]


def test_good_news_marks_a_partial_victory_that_ended_in_prison(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    load_demo(db, None)
    db.flush()
    case = db.scalars(select(Case).where(Case.full_name == "Dariusz Okonkwo")).one()
    assert case.status == "restricted"
    change_status(
        db, caseworker, case, "detained", dt.date(2026, 3, 2), public_note="Bail revoked."
    )
    db.commit()
    item = news_items(client)["Dariusz Okonkwo"]
    assert "out of prison under restrictions" in item
    assert "Held again since 2 March 2026 (detained). Bail revoked." in item
    assert "Dariusz Okonkwo: Restricted, since held again" in entries(client)
