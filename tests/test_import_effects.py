"""Importing the tracker and creating the app has no side effects beyond the app itself.

No session listener is attached by an import (create_app registers them), no password is hashed
and no `fc-list` runs when a module loads: a CLI command or a worker pays for none of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, subprocess, argon2
spawned, hashed = [], []
real_run, real_hash = subprocess.run, argon2.PasswordHasher.hash
subprocess.run = lambda args, *a, **k: (spawned.append(str(args[0])), real_run(args, *a, **k))[1]
argon2.PasswordHasher.hash = lambda self, *a, **k: (hashed.append(1), real_hash(self, *a, **k))[1]

from sqlalchemy import event
from sqlalchemy.orm import Session
import tracker.services.accounts.users, tracker.web.public, tracker.api
from tracker import create_app
from tracker.services.publishing import state_memo

def listening():
    return event.contains(Session, "after_flush", state_memo._forget_on_flush)

at_import = listening()
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
print(json.dumps({
    "listening_after_import": at_import,
    "listening_after_create_app": listening(),
    "memo": type(app.extensions["letter_states"]).__name__,
    "spawned": spawned,
    "hashed": len(hashed),
}))
"""


@pytest.mark.slow
def test_import_and_create_app_attach_no_listener_hash_nothing_and_spawn_nothing(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_INSTANCE_PATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "listening_after_import": False,
        "listening_after_create_app": True,
        "memo": "StateMemo",
        "spawned": [],
        "hashed": 0,
    }
