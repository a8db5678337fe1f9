"""Privacy rules: no private value reaches a public page, feed or PDF; supporters are not stored."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import String, Text, select

from tests.conftest import csrf_token_from
from tests.pdf.conftest import pdf_text
from tests.pdf.factory import SENTINEL
from tests.public.conftest import World, crawl
from tracker.extensions import db as _db
from tracker.models import Base, User
from tracker.services.cases.editing import change_status


def test_no_private_value_on_any_public_page_feed_or_pdf(
    client: FlaskClient, world: World, db: Any, caseworker: User, pdf_cache: Any
) -> None:
    # A second public case, released, so good news and the feed have entries too.
    change_status(
        db,
        caseworker,
        world.hidden,
        "released",
        dt.date(2020, 1, 1),
        release_kind="pardon",
        note=f"{SENTINEL}-note-release",
    )
    db.commit()
    pages = crawl(
        client,
        [
            "/",
            "/good-news",
            "/feed.atom",
            f"/cases/{world.public.slug}",
            f"/cases/{world.hidden.slug}",
            f"/cases/{world.unconsented.slug}",
        ],
    )
    pdfs = [u for u in pages if u.endswith(".pdf") or ".pdf?" in u]
    assert pdfs and "/feed.atom" in pages and len(pages) > 6
    token = csrf_token_from(client, f"/cases/{world.public.slug}/letters/{world.appeal.id}")
    personalised = client.post(
        f"/cases/{world.public.slug}/letters/{world.appeal.id}.pdf",
        data={"csrf_token": token, "name": "Priv Tester", "address": "Road 2"},
    ).data
    for url, body in [*pages.items(), ("personalised", personalised)]:
        assert SENTINEL.encode() not in body, url
        assert b"Hidden Person" not in body and b"Unconsented Person" not in body, url
        if body.startswith(b"%PDF"):
            reader = PdfReader(io.BytesIO(body))
            assert SENTINEL not in pdf_text(body), url
            assert SENTINEL not in str(dict(reader.metadata or {})), url
            assert b"/EmbeddedFile" not in body


def test_supporter_name_is_stored_nowhere_in_the_database(
    client: FlaskClient, world: World, db: Any, pdf_cache: Any
) -> None:
    name, address = "Zebedee Uniquename", "77 Nowhere Lane"
    url = f"/cases/{world.public.slug}/letters/{world.appeal.id}"
    token = csrf_token_from(client, url)
    response = client.post(
        url + ".pdf", data={"csrf_token": token, "name": name, "address": address}
    )
    assert response.status_code == 200 and name in pdf_text(response.data)
    client.post(url + "/sent", data={"csrf_token": token})
    db.expire_all()
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            blob = repr(tuple(row))
            assert name not in blob and "Zebedee" not in blob, table.name
            assert address not in blob, table.name
    textual = [
        c for t in Base.metadata.sorted_tables for c in t.c if isinstance(c.type, (String, Text))
    ]
    assert textual  # the scan looked at text columns
    assert _db  # the app's session is the one scanned
