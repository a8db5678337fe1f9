"""Fixtures for the API tests: a token per role and a case to work on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import PASSWORD, make_app
from tracker.extensions import db as _db
from tracker.models import Case, User
from tracker.services.accounts.users import create_token, create_user
from tracker.services.cases.editing import create_case
from tracker.services.custody.facilities import create_facility
from tracker.services.letters.editing import create_addressee, create_appeal

NGA = {
    "reference": "VN-2017-TTN",
    "full_name": "Tran Thi Nga",
    "name_native": "Trần Thị Nga",
    "country": "VN",
    "category": "environmental_defender",
    "arrested_on": "2017-01-21",
    "summary": "Environmental campaigner who reported on the Formosa toxic spill.",
    "internal_notes": "SENTINEL-INTERNAL",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin_token(db: Any, admin: User) -> str:
    token = create_token(db, None, admin, "tests")
    db.commit()
    return token


@pytest.fixture
def caseworker_token(db: Any, caseworker: User) -> str:
    token = create_token(db, None, caseworker, "tests")
    db.commit()
    return token


@pytest.fixture
def viewer_token(db: Any, viewer: User) -> str:
    token = create_token(db, None, viewer, "tests")
    db.commit()
    return token


@pytest.fixture
def nga(db: Any, caseworker: User) -> Case:
    case = create_case(db, caseworker, NGA)
    db.commit()
    return case


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class ServedApi:
    url: str
    token: str
    case_id: int


@pytest.fixture
def served_api(fresh_database: str, tmp_path: Path) -> Iterator[ServedApi]:
    """The app on a real HTTP server on 127.0.0.1, over a database of its own.

    Werkzeug's threaded server is enough here: the API renders no PDFs.
    """
    # Errors answered as in production (JSON 500), not re-raised into the server thread.
    app = make_app(fresh_database, str(tmp_path / "instance"), PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        admin = create_user(_db.session, None, "admin@example.org", PASSWORD, "admin", "Admin")
        token = create_token(_db.session, None, admin, "served")
        case = create_case(_db.session, admin, NGA)
        # Records with id 1, which schemathesis tries as the smallest id of each path.
        addressee = create_addressee(_db.session, admin, {"name": "Minister", "country": "VN"})
        create_appeal(_db.session, admin, case, {"addressee_id": addressee.id, "subject": "Hi"})
        create_facility(_db.session, admin, {"name": "Zanjan Central Prison", "country": "IR"})
        _db.session.commit()
        case_id = case.id
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedApi(f"http://127.0.0.1:{server.server_port}", token, case_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            _db.engine.dispose()
