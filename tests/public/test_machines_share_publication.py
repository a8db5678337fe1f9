"""Several machines that share a Redis queue follow an edit of published data at once.

Each machine keeps public pages and letter states for a minute; what tells them that published
data changed is the publication stamp. On one machine it is a file in the instance folder;
machines with a Redis queue share a counter in that Redis, so a case withdrawn on one machine
is refused by every other one as soon as the request that withdrew it has returned.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.jobs.conftest import REDIS_URL, redis_is_up
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.models import Case
from tracker.services.cases.editing import update_case
from tracker.services.publishing.changes import RedisStamp, Stamp, stamp_for

# Another machine: its own instance folder (the same data key, as the README asks), the same
# database and Redis queue, pages and letter states kept for a whole minute.
OTHER_MACHINE = """
import sys
from tracker import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "QUEUE_URL": sys.argv[2], "QUEUE_NAME": sys.argv[3],
                  "PUBLIC_PAGE_TTL_SECONDS": 60.0, "LETTER_STATE_TTL_SECONDS": 60.0})
client = app.test_client()
print("ready", flush=True)
for line in sys.stdin:
    path, word = line.split()
    response = client.get(path)
    print(response.status_code, word in response.text, flush=True)
"""


@pytest.fixture
def queue_url() -> str:
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts redis-server)")
    return REDIS_URL


def test_machines_sharing_a_redis_queue_follow_a_withdrawn_case_at_once(
    fresh_database: str, tmp_path: Path, queue_url: str
) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    app = make_app(fresh_database, str(here), QUEUE_URL=queue_url, QUEUE_NAME=name)
    assert isinstance(app.extensions["publication_stamp"], RedisStamp)
    with app.app_context(), write_intent():
        case = make_case(_db.session, None, "VN-SHARED", "Shared Person")
        appeal = make_appeal(_db.session, None, case, make_addressee(_db.session, None))
        _db.session.commit()
        slug, appeal_id = case.slug, appeal.id
    shutil.copy(here / "data_key", there / "data_key")
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_MACHINE, fresh_database, queue_url, name],
        env={**os.environ, "TRACKER_INSTANCE_PATH": str(there)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdin is not None and other.stdout is not None
    assert other.stdout.readline().strip() == "ready"

    def ask(path: str, word: str) -> str:
        assert other.stdin is not None and other.stdout is not None
        other.stdin.write(f"{path} {word}\n")
        other.stdin.flush()
        return other.stdout.readline().strip()

    case_page, letter = f"/cases/{slug}", f"/cases/{slug}/letters/{appeal_id}"
    try:
        # The other machine has read and kept both pages.
        assert ask(case_page, "Shared") == "200 True"
        assert ask(letter, "Shared") == "200 True"
        assert ask(case_page, "Rewritten") == "200 False"
        with app.app_context(), write_intent():
            row = _db.session.query(Case).filter_by(reference="VN-SHARED").one()
            update_case(_db.session, None, row, {"summary": "Rewritten summary."}, row.version)
            _db.session.commit()
        assert ask(case_page, "Rewritten") == "200 True"
        with app.app_context(), write_intent():
            row = _db.session.query(Case).filter_by(reference="VN-SHARED").one()
            update_case(_db.session, None, row, {"consent_publicity": False}, row.version)
            _db.session.commit()
        assert ask(case_page, "Shared") == "404 False"
        assert ask(letter, "Shared") == "404 False"
    finally:
        other.stdin.close()
        other.wait(30)
        other.stdout.close()
        with app.app_context():
            _db.engine.dispose()
        import redis

        redis.Redis.from_url(queue_url).delete(f"{name}:publication-stamp")


def test_an_unreachable_redis_stamp_keeps_nothing_rather_than_something_stale(
    tmp_path: Path,
) -> None:
    # A Redis that is not there (a closed port): no memo may trust what it read.
    stamp = stamp_for({"QUEUE_URL": "redis://127.0.0.1:9/0"}, tmp_path)
    assert isinstance(stamp, RedisStamp)
    assert stamp.current() is None
    with pytest.raises(OSError):
        stamp.touch()
    # Without a Redis queue the stamp is the instance folder's file.
    assert isinstance(stamp_for({"QUEUE_URL": ""}, tmp_path), Stamp)
