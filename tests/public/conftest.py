"""Fixtures for the supporter site: a small world of public and non-public cases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import Addressee, Appeal, Case, User
from tracker.services.letters.editing import create_campaign


@dataclass
class World:
    public: Case
    hidden: Case
    unconsented: Case
    addressee: Addressee
    copy: Addressee
    appeal: Appeal
    hidden_appeal: Appeal
    unconsented_appeal: Appeal


@pytest.fixture
def world(db: Any, caseworker: User) -> World:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, caseworker)
    copy = make_addressee(
        db, caseworker, name="Vo Van Thuong", position="President", salutation="Dear President"
    )
    public = make_case(
        db, caseworker, "VN-2017-TTN", "Tran Thi Nga", name_native="Trần Thị Nga", photo=True
    )
    hidden = make_case(db, caseworker, "VN-2020-HID", "Hidden Person", public=False)
    unconsented = make_case(db, caseworker, "VN-2020-UNC", "Unconsented Person", consent=False)
    appeal = make_appeal(
        db, caseworker, public, addressee, copies_to=[copy.id], campaign=campaign.slug
    )
    hidden_appeal = make_appeal(db, caseworker, hidden, addressee, campaign=campaign.slug)
    unconsented_appeal = make_appeal(db, caseworker, unconsented, addressee)
    db.commit()
    return World(
        public, hidden, unconsented, addressee, copy, appeal, hidden_appeal, unconsented_appeal
    )


@pytest.fixture
def pdf_cache(app: Flask, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A PDF cache of this test's own, and downloads counted at once."""
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(tmp_path / "pdf-cache"))
    monkeypatch.setitem(app.config, "COUNTER_FLUSH_SECONDS", 0.0)
    return tmp_path / "pdf-cache"


def crawl(client: FlaskClient, start: list[str]) -> dict[str, bytes]:
    """Every public page reachable from `start` (links to PDFs included)."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen or not url.startswith("/") or url.startswith("/static/"):
            continue
        response = client.get(url)
        seen[url] = response.data
        if response.mimetype == "text/html":
            for link in re.findall(
                r'(?:href|src|action)="([^"#]+)', response.get_data(as_text=True)
            ):
                queue.append(link.replace("&amp;", "&"))
    return seen


# Another server process (of this machine or another one) that keeps pages and letter states
# for a whole minute; it answers each "PATH WORD" line with the status and whether the page holds
# the word. `config` is added to its create_app settings.
OTHER_PROCESS = """
import json, sys
from tracker import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "PUBLIC_PAGE_TTL_SECONDS": 60.0, "LETTER_STATE_TTL_SECONDS": 60.0,
                  **json.loads(sys.argv[2])})
client = app.test_client()
print("ready", flush=True)
for line in sys.stdin:
    path, word = line.split()
    response = client.get(path)
    print(response.status_code, word in response.text, flush=True)
"""


class OtherProcess:
    """A second server process on the same database, asked for pages one at a time."""

    def __init__(self, database_url: str, instance: Path, **config: Any) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS, database_url, json.dumps(config)],
            env={**os.environ, "TRACKER_INSTANCE_PATH": str(instance)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def ask(self, path: str, word: str) -> str:
        """'STATUS True' when the page at `path` holds `word`, 'STATUS False' otherwise."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path} {word}\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()
