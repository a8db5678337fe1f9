"""Finding 13: a read-only instance folder, an unusable PDF cache, a cache that stays bounded."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL, csrf_token_from, make_app, migrate_to_head
from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.crypto import keyring
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.services import pdf_cache
from tracker.services.letters.render import letter_key
from tracker.services.publishing import letter_state as public_service
from tracker.web import public


def test_finding_13_unwritable_pdf_cache_renders_without_caching(
    client: Any, world: Any, app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(blocker / "pdf-cache"))
    letter = f"/cases/{world.public.slug}/letters/{world.appeal.id}.pdf"
    for _ in range(2):
        response = client.get(letter)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert "Tran Thi Nga" in pdf_text(response.data)
    etag = response.headers["ETag"]
    assert client.get(letter, headers={"If-None-Match": etag}).status_code == 304
    token = csrf_token_from(client, letter.removesuffix(".pdf"))
    personalised = client.post(
        letter, data={"csrf_token": token, "name": "Jane Roe", "address": "1 High Street"}
    )
    assert personalised.status_code == 200 and "Jane Roe" in pdf_text(personalised.data)


def test_finding_13_pdf_cache_is_swept_by_age_and_size(tmp_path: Path) -> None:
    for n in range(6):
        pdf_cache.get_or_render(tmp_path, f"{n:02d}" + "a" * 62, lambda: b"%PDF" + b"x" * 996)
        path = next(tmp_path.glob(f"*/{n:02d}*.pdf"))
        os.utime(path, (time.time() - 100 + n, time.time() - 100 + n))
    assert len(list(tmp_path.glob("*/*.pdf"))) == 6
    # Over 2,500 bytes: the oldest go first until the rest fits.
    assert pdf_cache.sweep(tmp_path, max_bytes=2500, force=True) == 4
    assert sorted(p.name[:2] for p in tmp_path.glob("*/*.pdf")) == ["04", "05"]
    # Older than the age limit: gone whatever the size.
    assert pdf_cache.sweep(tmp_path, max_age=50, force=True) == 2
    assert list(tmp_path.glob("*/*.pdf")) == []


def test_finding_13_letter_cache_key_no_longer_grows_every_day(
    client: Any,
    world: Any,
    db: Any,
    caseworker: Any,
    pdf_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    letter = f"/cases/{world.public.slug}/letters/{world.appeal.id}.pdf"
    for day in (dt.date(2024, 5, 1), dt.date(2024, 5, 2), dt.date(2024, 5, 3)):
        monkeypatch.setattr(public, "_today", lambda day=day: day)
        assert client.get(letter).status_code == 200
    assert len(list(pdf_cache.glob("*/*.pdf"))) == 1
    # The plain letter leaves the date to be written by hand; no day is printed in it.
    text = pdf_text(client.get(letter).data)
    assert "Date" in text and "2024" not in text
    # A text that uses the day is keyed by it.
    state = public_service.appeal_state(db, world.public.slug, world.appeal.id)
    assert not state.daily
    keys = {
        letter_key(
            state,
            paper="a4",
            today=dt.date(2024, 5, d),
            variant="lines",
            organisation="O",
            daily=True,
        )
        for d in (1, 2)
    }
    assert len(keys) == 2
    dated = make_appeal(
        db,
        caseworker,
        world.public,
        world.addressee,
        body="Held {{ case.days_detained }} days.",
    )
    db.commit()
    assert public_service.appeal_state(db, world.public.slug, dated.id).daily


def test_finding_13_personalised_letter_carries_the_date_of_its_download(
    client: Any, world: Any, pdf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public, "_today", lambda: dt.date(2024, 5, 2))
    letter = f"/cases/{world.public.slug}/letters/{world.appeal.id}.pdf"
    token = csrf_token_from(client, letter.removesuffix(".pdf"))
    response = client.post(
        letter, data={"csrf_token": token, "name": "Jane Roe", "address": "1 High Street"}
    )
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Jane Roe" in text and "2 May 2024" in text


@pytest.fixture
def read_only_instance(tmp_path: Path) -> Iterator[Path]:
    """An instance folder with a database and demo data, then mounted read-only."""
    if PG_URL:
        pytest.skip("the database of a PostgreSQL installation is not in the instance folder")
    source = tmp_path / "instance"
    source.mkdir()
    url = f"sqlite:///{source / 'tracker.db'}"
    migrate_to_head(url)
    app = make_app(url, str(source))
    with app.app_context(), write_intent():
        case = make_case(_db.session, None, "VN-RO", "Read Only Person")
        make_appeal(_db.session, None, case, make_addressee(_db.session, None))
        _db.session.commit()
        _db.engine.dispose()
    target = tmp_path / "read-only"
    target.mkdir()
    mount = shutil.which("mount") or "mount"
    done = subprocess.run([mount, "--bind", str(source), str(target)], check=False)
    if done.returncode == 0:
        done = subprocess.run(
            [mount, "-o", "remount,bind,ro", str(target)], capture_output=True, check=False
        )
        if done.returncode != 0:
            subprocess.run([shutil.which("umount") or "umount", str(target)], check=False)
    if done.returncode != 0:
        pytest.skip("no permission to mount a read-only folder here")
    # The app made below points this process's data key at the mounted folder, which is empty
    # once unmounted: point it back for the tests that follow.
    keys_before = keyring.instance_path
    try:
        yield target
    finally:
        subprocess.run([shutil.which("umount") or "umount", str(target)], check=False)
        if keys_before is not None:
            keyring.configure(keys_before)


def test_finding_13_read_only_instance_folder_serves_every_read(read_only_instance: Path) -> None:
    with pytest.raises(OSError):
        (read_only_instance / "probe").write_text("x")
    app = make_app(f"sqlite:///{read_only_instance / 'tracker.db'}", str(read_only_instance))
    app.config["PDF_CACHE_DIR"] = str(read_only_instance / "pdf-cache")
    app.config["COUNTER_FLUSH_SECONDS"] = 0.0
    client = app.test_client()
    with app.app_context():
        appeal_id = _db.session.execute(_db.text("SELECT id FROM appeals")).scalar_one()
    slug = "read-only-person"
    for path in (
        "/",
        f"/cases/{slug}",
        f"/cases/{slug}/letters/{appeal_id}",
        f"/cases/{slug}/letters/{appeal_id}.pdf",
        "/good-news",
        "/feed.atom",
        "/login",
        "/reports/releases/2020",
    ):
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)
    assert client.get(f"/cases/{slug}/letters/{appeal_id}.pdf").data.startswith(b"%PDF")
    with app.app_context():
        _db.engine.dispose()
