"""Operations: scripts/run (make run), the instance folder rule, `tracker doctor`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.jobs.conftest import REDIS_URL, redis_is_up

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "TRACKER_SECRET_KEY": "test-secret-key",
        "TRACKER_BIN": str(BIN),
        **extra,
    }
    env.pop("TRACKER_QUEUE_URL", None)
    return env


def test_run_refuses_a_taken_port_before_saying_it_serves(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "run")],
            env=_env(tmp_path, PORT=str(port)),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"make run PORT={port + 1}" in done.stderr
    assert "Serving" not in done.stdout


def test_run_serves_on_tracker_port_with_a_worker_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    env = _env(tmp_path, TRACKER_PORT=str(_free_port()), TRACKER_WEB_WORKERS="1")
    subprocess.run(
        [str(BIN / "tracker"), "db", "upgrade"], env=env, check=True, capture_output=True
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    port = env["TRACKER_PORT"]
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert f"Serving on http://127.0.0.1:{port}" in first
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server never answered"
                time.sleep(0.5)
        children = subprocess.run(
            ["pgrep", "-f", "-g", str(proc.pid), "tracker worker"], capture_output=True, text=True
        ).stdout.split()
        assert children, "no worker beside the web server"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
        assert proc.wait(timeout=60) == 0
        assert subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).stdout == b""
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]


def test_cli_finds_the_project_instance_from_any_folder(tmp_path: Path) -> None:
    env = _env(tmp_path)
    del env["TRACKER_INSTANCE_PATH"]
    done = subprocess.run(
        [str(BIN / "tracker"), "doctor"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert f"instance   {ROOT / 'instance'} (the project's instance/" in done.stdout
    assert not (tmp_path / "instance").exists()


def test_doctor_prints_what_it_uses_and_what_is_missing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run(
        [str(BIN / "tracker"), "db", "upgrade"], env=env, check=True, capture_output=True
    )
    done = subprocess.run([str(BIN / "tracker"), "doctor"], env=env, capture_output=True, text=True)
    out = done.stdout
    assert f"instance   {tmp_path / 'instance'} (from TRACKER_INSTANCE_PATH)" in out
    assert f"database   sqlite:///{tmp_path / 'run.db'} (schema " in out
    assert f"queue      SQLite {tmp_path / 'instance' / 'jobs' / 'queue.db'} (embedded)" in out
    assert "mail       not configured" in out and "set TRACKER_MAIL_URL" in out
    assert "keys       secret key from TRACKER_SECRET_KEY" in out
    assert "fonts      Noto Serif" in out
    assert done.returncode == 1  # mail is missing

    env.update(TRACKER_MAIL_URL="smtp://127.0.0.1:2525", TRACKER_MAIL_FROM="t@example.org")
    if redis_is_up():
        env["TRACKER_QUEUE_URL"] = REDIS_URL
    done = subprocess.run([str(BIN / "tracker"), "doctor"], env=env, capture_output=True, text=True)
    assert "mail       plain SMTP 127.0.0.1:2525, from t@example.org" in done.stdout
    if redis_is_up():
        assert f"queue      {REDIS_URL}" in done.stdout
        assert done.returncode == 0, done.stdout

    env["TRACKER_QUEUE_URL"] = "redis://127.0.0.1:1/0"
    done = subprocess.run([str(BIN / "tracker"), "doctor"], env=env, capture_output=True, text=True)
    assert "MISSING: cannot reach the queue" in done.stdout and done.returncode == 1
