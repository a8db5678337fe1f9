"""Several machines that share a Redis queue follow an edit of published data at once.

Each machine keeps public pages and letter states for a minute; what tells them that published
data changed is the publication stamp. On one machine it is a file in the instance folder;
machines with a Redis queue share a counter in that Redis, so a case withdrawn on one machine
is refused by every other one as soon as the request that withdrew it has returned.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.jobs.conftest import REDIS_URL, redis_is_up
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tests.public.conftest import OtherProcess
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.models import Case
from tracker.services.cases.editing import update_case
from tracker.services.publishing.changes import RedisStamp, Stamp, stamp_for


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
    # Another machine: its own instance folder (the same data key, as the README asks), the
    # same database and Redis queue.
    other = OtherProcess(fresh_database, there, QUEUE_URL=queue_url, QUEUE_NAME=name)
    ask = other.ask

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
        other.close()
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
