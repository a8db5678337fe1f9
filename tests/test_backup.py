"""`tracker db backup` while another process writes: a sound copy with every earlier commit."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PG_URL

WRITER = """
import os, sys
from tracker import create_app
from tracker.database import write_intent
from tracker.extensions import db
from tracker.services.cases.editing import create_case

url, stop = sys.argv[1], sys.argv[2]
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
with app.app_context():
    i = 0
    while not os.path.exists(stop):
        with write_intent():
            create_case(db.session, None, {"reference": f"W-{i}", "full_name": f"Writer {i}",
                        "country": "VN", "category": "activist", "arrested_on": "2020-01-01"})
            db.session.commit()
        i += 1
"""


def committed_references(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT reference FROM cases")}
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.skipif(bool(PG_URL), reason="SQLite only: PostgreSQL is backed up with pg_dump")
def test_backup_taken_while_writing_is_sound_and_complete(
    fresh_database: str, tmp_path: Path
) -> None:
    db_path = Path(fresh_database.removeprefix("sqlite:///"))
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_DATABASE_URL": fresh_database,
    }
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, fresh_database, str(stop)], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(committed_references(db_path)) < 30:
            assert time.monotonic() < deadline, "the writer made no progress"
            time.sleep(0.1)
        before = committed_references(db_path)
        backup = tmp_path / "backup.db"
        tracker = Path(sys.executable).with_name("tracker")
        done = subprocess.run(
            [str(tracker), "db", "backup", str(backup)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        after_backup = len(committed_references(db_path))
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0

    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = {r[0] for r in conn.execute("SELECT reference FROM cases")}
        changes = conn.execute("SELECT COUNT(*) FROM status_changes").fetchone()[0]
    finally:
        conn.close()
    assert before <= copied
    # A snapshot of one moment: each case has its whole history, and the numbering has no gap.
    assert changes == len(copied)
    assert copied == {f"W-{i}" for i in range(len(copied))}
    assert after_backup > len(before), "the writer was not writing while the backup ran"
