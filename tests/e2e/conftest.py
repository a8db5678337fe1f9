"""Reusable end-to-end fixtures: the app under gunicorn on 127.0.0.1, seeding, a Chromium page.

    def test_something(live_server, seed, page):
        seed(lambda session: create_case(session, None, {...}))
        page.goto(live_server.url + "/staff")

Without Chromium the tests are skipped with how to install it (`apt-get install chromium`,
or point TRACKER_CHROMIUM at a Chromium/Chrome binary).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, make_app
from tracker.extensions import db as _db

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET_KEY = "e2e-secret-key"


@dataclass(frozen=True)
class LiveServer:
    """A running server: its base URL, database URL and instance folder."""

    url: str
    database_url: str
    instance_path: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):  # noqa: S310 - our own server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not answer within {timeout}s")


@pytest.fixture
def live_server(fresh_database: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The app served by gunicorn (one sync worker) on a free port of 127.0.0.1."""
    instance = tmp_path / "instance"
    instance.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": fresh_database,
        "TRACKER_INSTANCE_PATH": str(instance),
        "TRACKER_SECRET_KEY": SECRET_KEY,
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "tracker:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", fresh_database, str(instance))
    try:
        _wait_until_up(server.url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def seed(live_server: LiveServer) -> Iterator[Callable[[Callable[[Any], Any]], Any]]:
    """Run `fn(session)` in an app bound to the live server's database, then commit."""
    app = make_app(live_server.database_url, live_server.instance_path)

    def run(fn: Callable[[Any], Any]) -> Any:
        with app.app_context():
            result = fn(_db.session)
            _db.session.commit()
            if hasattr(result, "id"):
                _db.session.refresh(result)
                _db.session.expunge(result)
            _db.session.remove()
            return result

    yield run
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def staff_user(seed: Callable[[Callable[[Any], Any]], Any]) -> dict[str, str]:
    """A caseworker on the live server: its email and password."""
    from tracker.services.accounts.users import create_user

    seed(lambda s: create_user(s, None, "e2e@example.org", PASSWORD, "caseworker", "E2E Worker"))
    return {"email": "e2e@example.org", "password": PASSWORD}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium driven by Playwright (one per test session)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set TRACKER_CHROMIUM to a Chromium/Chrome binary"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (own cookies) with a 375px-friendly default viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
