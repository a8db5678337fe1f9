"""Finding 11: unpublishing is immediate in every process; consent-gated answers revalidate."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_app
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.models import Case
from tracker.services.cases.editing import update_case

# A second server process: reads paths on stdin, answers "STATUS" for each, with a letter-state
# memo that would otherwise be trusted for a whole minute.
OTHER_PROCESS = """
import sys
from tracker import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "LETTER_STATE_TTL_SECONDS": 60.0, "PDF_CACHE_DIR": sys.argv[2]})
client = app.test_client()
print("ready", flush=True)
for line in sys.stdin:
    print(client.get(line.strip()).status_code, flush=True)
"""


class OtherProcess:
    def __init__(self, url: str, instance: Path) -> None:
        env = {**os.environ, "TRACKER_INSTANCE_PATH": str(instance)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS, url, str(instance / "pdf-cache")],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    def get(self, path: str) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


@pytest.fixture
def published(fresh_database: str, tmp_path: Path) -> Iterator[tuple[Any, str, str]]:
    """An app on a database of its own with one public case and its active letter, committed."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = make_app(fresh_database, str(instance), PDF_CACHE_DIR=str(instance / "pdf-cache"))
    with app.app_context(), write_intent():
        case = make_case(_db.session, None, "VN-UNP", "Withdrawn Consent")
        appeal = make_appeal(_db.session, None, case, make_addressee(_db.session, None))
        _db.session.commit()
        slug, appeal_id = case.slug, appeal.id
    yield app, f"/cases/{slug}", f"/cases/{slug}/letters/{appeal_id}"
    with app.app_context():
        _db.engine.dispose()


def test_finding_11_unpublishing_is_immediate_in_every_process(
    published: tuple[Any, str, str], tmp_path: Path
) -> None:
    app, case_page, letter = published
    other = OtherProcess(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    try:
        assert other.get(letter + ".pdf") == 200  # the other process now holds the state
        assert other.get(letter + ".pdf") == 200
        with app.app_context(), write_intent():
            case = _db.session.query(Case).filter_by(reference="VN-UNP").one()
            update_case(_db.session, None, case, {"is_public": False}, case.version)
            _db.session.commit()
        # The unpublishing request has returned: no process serves the letter any more.
        for path in (letter + ".pdf", letter + ".pdf?paper=letter", letter, case_page):
            assert other.get(path) == 404, path
    finally:
        other.close()


@pytest.mark.parametrize("suffix", ["", "/photo", "/letters/{appeal}", "/letters/{appeal}.pdf"])
def test_finding_11_consent_gated_answers_revalidate_with_an_etag(
    client: Any, world: Any, pdf_cache: Path, suffix: str
) -> None:
    url = f"/cases/{world.public.slug}" + suffix.format(appeal=world.appeal.id)
    first = client.get(url)
    assert first.status_code == 200
    cache_control = first.headers["Cache-Control"]
    assert "no-cache" in cache_control
    assert "max-age" not in cache_control and "public" not in cache_control
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Withdrawn consent: the revisit is refused, not answered from a cache.
    update_case(_db.session, None, world.public, {"consent_publicity": False}, world.public.version)
    _db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
