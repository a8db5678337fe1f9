"""Encryption at rest: no planted private value in the raw database, rotation, key problems."""

from __future__ import annotations

import base64
import datetime as dt
import gc
import os
import shutil
import stat
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, login_as, make_app
from tracker.cli import cli
from tracker.crypto import (
    ENV_VAR,
    KEY_FILE,
    PENDING_KEY_FILE,
    begin_rotation,
    encrypted_columns,
    key_id,
    keyring,
)
from tracker.database import write_intent
from tracker.extensions import db as _db
from tracker.models import PRIVATE_CASE_FIELDS, Case, StatusChange, User
from tracker.services.accounts.users import create_user
from tracker.services.cases.editing import change_status, create_case
from tracker.services.keys import reencrypt_all

PRIVATE_CASE_COLUMNS = (
    "internal_notes",
    "health_notes",
    "family_contacts",
    "lawyer_contact",
    "detention_address",
)
# Per planted case: the texts above and the private status note (no date of birth: its
# precision stays empty, stored as it is).
STORED_PER_CASE = len(PRIVATE_CASE_COLUMNS) + 1


@pytest.fixture
def own_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An instance folder of this test's own (its own data key); the keyring is restored after."""
    before = keyring.instance_path
    monkeypatch.delenv(ENV_VAR, raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    yield instance
    # The apps a test starts here hold pooled connections until collected: collect them now,
    # inside this test, rather than in whichever later test the collector happens to run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    monkeypatch.delenv(ENV_VAR, raising=False)
    if before is not None:
        keyring.configure(before)


def sentinel(field: str, n: int = 0) -> str:
    return f"SENTINEL-{field.upper()}-{n}-7f3a9c"


def plant(app: Flask, n: int = 0) -> tuple[int, int]:
    """A case with a sentinel in every private field and a private status note; (case, change)."""
    with app.app_context(), write_intent():
        fields: dict[str, Any] = {
            "reference": f"ENC-{n}",
            "full_name": f"Encrypted Person {n}",
            "country": "VN",
            "category": "activist",
            "arrested_on": "2020-01-01",
            "summary": "A public summary",
        }
        fields.update({f: sentinel(f, n) for f in PRIVATE_CASE_COLUMNS})
        case = create_case(_db.session, None, fields)
        change = change_status(
            _db.session,
            None,
            case,
            "sentenced",
            dt.date(2021, 1, 1),
            note=sentinel("note", n),
            public_note="A public note",
        )
        _db.session.commit()
        return case.id, change.id


def read_back(app: Flask, case_id: int, change_id: int) -> dict[str, str]:
    with app.app_context():
        case = _db.session.get(Case, case_id)
        change = _db.session.get(StatusChange, change_id)
        assert case is not None and change is not None
        values = {f: getattr(case, f) for f in PRIVATE_CASE_COLUMNS}
        values["note"] = change.note
        _db.session.remove()
        return values


def read_in_new_process(url: str, instance: Path, case_id: int, change_id: int) -> dict[str, str]:
    """What an app started now (as a new process would) reads back."""
    app = make_app(url, str(instance))
    try:
        return read_back(app, case_id, change_id)
    finally:
        with app.app_context():
            _db.engine.dispose()


def raw_values(app: Flask) -> list[str]:
    """Every stored value of every encrypted column, as the database holds it."""
    with app.app_context():
        found = []
        for table, _pk, column in encrypted_columns():
            found += [
                v
                for (v,) in _db.session.execute(text(f"SELECT {column} FROM {table}"))  # noqa: S608
                if v
            ]
        _db.session.remove()
        return found


def test_every_private_field_is_an_encrypted_column() -> None:
    columns = {(table, column) for table, _pk, column in encrypted_columns()}
    expected = {("cases", f) for f in PRIVATE_CASE_COLUMNS} | {("status_changes", "note")}
    assert expected <= columns
    # Every private field of the declaration, whatever its kind (the date of birth too).
    assert {("cases", f) for f in PRIVATE_CASE_FIELDS} <= columns


def test_data_at_rest_date_of_birth_and_its_precision_are_stored_encrypted(
    fresh_database: str, own_instance: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    with app.app_context(), write_intent():
        fields: dict[str, Any] = {
            "reference": "ENC-BIRTH",
            "full_name": "Born Person",
            "country": "VN",
            "category": "activist",
            "birth_date": "1901-02-17",
            "birth_date_precision": "month",
        }
        case = create_case(_db.session, None, fields)
        _db.session.commit()
        case_id = case.id
        _db.session.remove()
    with app.app_context():
        case = _db.session.get(Case, case_id)
        assert case is not None
        # Stored as the first day of what is known, read back as a date with its precision.
        assert (case.birth_date, case.birth_date_precision) == (dt.date(1901, 2, 1), "month")
        row = _db.session.execute(
            text("SELECT birth_date, birth_date_precision FROM cases WHERE id = :i"), {"i": case_id}
        ).one()
        assert all(value.startswith("enc1:") for value in row)
        assert "1901" not in "".join(row) and "month" not in "".join(row)
        _db.session.remove()
        _db.engine.dispose()


def test_data_at_rest_no_planted_value_in_the_raw_database_file_wal_or_pg_dump(
    fresh_database: str, own_instance: Path, tmp_path: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    ids = [plant(app, n) for n in range(3)]
    # Every value reads back as typed: the sentinels are really in the database.
    for n, (case_id, change_id) in enumerate(ids):
        values = read_back(app, case_id, change_id)
        assert values == {f: sentinel(f, n) for f in (*PRIVATE_CASE_COLUMNS, "note")}
    sentinels = [sentinel(f, n).encode() for n in range(3) for f in (*PRIVATE_CASE_COLUMNS, "note")]
    # The same words are also searched for, to be sure the search is not vacuous.
    public = [b"Encrypted Person 0", b"A public note"]
    if PG_URL:
        dump = tmp_path / "dump.sql"
        libpq = make_url(fresh_database).set(drivername="postgresql")
        subprocess.run(
            ["pg_dump", "--file", str(dump), libpq.render_as_string(hide_password=False)],
            check=True,
        )
        blobs = {"pg_dump": dump.read_bytes()}
    else:
        path = Path(fresh_database.removeprefix("sqlite:///"))
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0, "the WAL should hold the recent writes"
        blobs = {"database file": path.read_bytes(), "WAL": wal.read_bytes()}
    with app.app_context():
        _db.engine.dispose()
    everything = b"".join(blobs.values())
    for word in public:
        assert word in everything
    for name, blob in blobs.items():
        for word in sentinels:
            assert word not in blob, f"{word!r} found in the {name}"
            assert base64.b64encode(word) not in blob


def test_data_key_file_is_created_with_mode_0600_and_stays_out_of_the_database(
    fresh_database: str, own_instance: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    key_file = own_instance / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_text = key_file.read_text().strip()
    plant(app)
    with app.app_context():
        for (table,) in _db.session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type='table'"
                if _db.engine.dialect.name == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            )
        ):
            rows = _db.session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            assert key_text not in repr(rows)
        _db.engine.dispose()


def test_each_write_uses_a_new_nonce(fresh_database: str, own_instance: Path) -> None:
    app = make_app(fresh_database, str(own_instance))
    with app.app_context(), write_intent():
        case = create_case(
            _db.session,
            None,
            {
                "reference": "NONCE-1",
                "full_name": "Same Notes",
                "country": "VN",
                "category": "activist",
                "internal_notes": "same",
                "health_notes": "same",
            },
        )
        _db.session.commit()
        row = _db.session.execute(
            text("SELECT internal_notes, health_notes FROM cases WHERE id = :i"), {"i": case.id}
        ).one()
        assert row[0] != row[1] and row[0].startswith("enc1:")
        _db.engine.dispose()


def test_keys_rotate_keeps_every_value_readable_and_the_old_key_decrypts_nothing(
    fresh_database: str, own_instance: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    ids = [plant(app, n) for n in range(3)]
    old_raw = base64.urlsafe_b64decode((own_instance / KEY_FILE).read_text().strip())
    old_id = key_id(old_raw)
    assert {keyring.key_of(v) for v in raw_values(app)} == {old_id}

    result = app.test_cli_runner().invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert f"Re-encrypted {3 * STORED_PER_CASE} values" in result.output

    new_text = (own_instance / KEY_FILE).read_text().strip()
    new_id = key_id(base64.urlsafe_b64decode(new_text))
    assert new_id != old_id
    assert not (own_instance / PENDING_KEY_FILE).exists()
    assert stat.S_IMODE((own_instance / KEY_FILE).stat().st_mode) == 0o600
    for n, (case_id, change_id) in enumerate(ids):
        assert read_back(app, case_id, change_id) == {
            f: sentinel(f, n) for f in (*PRIVATE_CASE_COLUMNS, "note")
        }
    stored = raw_values(app)
    assert len(stored) == 3 * STORED_PER_CASE and {keyring.key_of(v) for v in stored} == {new_id}
    old_cipher = AESGCM(old_raw)
    for value in stored:
        blob = base64.urlsafe_b64decode(value.split(":", 2)[2])
        with pytest.raises(InvalidTag):
            old_cipher.decrypt(blob[:12], blob[12:], old_id.encode())
        with pytest.raises(InvalidTag):
            old_cipher.decrypt(blob[:12], blob[12:], new_id.encode())
    assert old_id not in keyring.ciphers
    # A process started now knows only the new key, and reads everything.
    assert read_in_new_process(fresh_database, own_instance, *ids[0]) == {
        f: sentinel(f, 0) for f in (*PRIVATE_CASE_COLUMNS, "note")
    }
    with app.app_context():
        _db.engine.dispose()


def test_keys_rotate_interrupted_before_or_after_its_commit_loses_nothing_and_resumes(
    fresh_database: str, own_instance: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    ids = plant(app)
    expected = {f: sentinel(f) for f in (*PRIVATE_CASE_COLUMNS, "note")}
    old_text = (own_instance / KEY_FILE).read_text()

    # Crash before the commit: the re-encryption is rolled back, both key files remain.
    with app.app_context(), write_intent():
        new_id, _old = begin_rotation()
        assert reencrypt_all(_db.session) == STORED_PER_CASE
        _db.session.rollback()
    assert (own_instance / PENDING_KEY_FILE).exists()
    assert read_in_new_process(fresh_database, own_instance, *ids) == expected
    # A value written meanwhile is encrypted under the pending key already.
    plant(app, 1)
    assert {keyring.key_of(v) for v in raw_values(app)} >= {new_id}

    # Crash after the commit, before the key file was replaced: still readable.
    with app.app_context(), write_intent():
        assert reencrypt_all(_db.session) == STORED_PER_CASE
        _db.session.commit()
    assert (own_instance / KEY_FILE).read_text() == old_text
    assert read_in_new_process(fresh_database, own_instance, *ids) == expected

    # Running the command again finishes the rotation with the same pending key.
    result = app.test_cli_runner().invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 0 values" in result.output
    assert key_id(base64.urlsafe_b64decode((own_instance / KEY_FILE).read_text())) == new_id
    assert not (own_instance / PENDING_KEY_FILE).exists()
    assert read_in_new_process(fresh_database, own_instance, *ids) == expected
    with app.app_context():
        _db.engine.dispose()


def _tracker(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    tracker = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert tracker is not None
    return subprocess.run(
        [tracker, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_missing_or_wrong_data_key_is_a_clear_error_not_a_traceback(
    fresh_database: str, own_instance: Path, tmp_path: Path
) -> None:
    app = make_app(fresh_database, str(own_instance))
    case_id, change_id = plant(app)
    with app.app_context(), write_intent():
        user = create_user(_db.session, None, "keys@example.org", "correct-horse-7", "admin")
        _db.session.commit()
        user_id = user.id
        _db.engine.dispose()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": fresh_database,
        "TRACKER_SECRET_KEY": "x",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "elsewhere"),
    }
    env.pop(ENV_VAR, None)
    # The key file is missing (another instance folder): a new key cannot read old values.
    done = _tracker(env, "keys", "rotate")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "data key" in done.stderr and "Restore" in done.stderr
    # A wrong key in the environment.
    done = _tracker({**env, ENV_VAR: f"{keyring_new_key()},{keyring_new_key()}"}, "keys", "rotate")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "encrypted under data key" in done.stderr
    # A malformed key in the environment.
    done = _tracker({**env, ENV_VAR: "not-a-key"}, "keys", "rotate")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is not a key" in done.stderr
    # Nothing was changed by the refused rotations.
    assert read_back(app, case_id, change_id) == {
        f: sentinel(f) for f in (*PRIVATE_CASE_COLUMNS, "note")
    }

    # The staff page of the case says what is wrong, in a page, not a traceback. This process
    # is made to forget the keys it loaded, as a server started with the wrong key knows only it.
    known = dict(keyring.ciphers)
    keyring.ciphers.clear()
    os.environ[ENV_VAR] = keyring_new_key()
    try:
        wrong = make_app(fresh_database, str(tmp_path / "elsewhere"))
        client = wrong.test_client()
        with wrong.app_context():
            login_as(client, _db.session.get(User, user_id))
            _db.session.remove()
        response = client.get(f"/staff/cases/{case_id}")
        with wrong.app_context():
            _db.engine.dispose()
    finally:
        del os.environ[ENV_VAR]
        keyring.ciphers.update(known)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Private data cannot be read" in page and "encrypted under data key" in page
    with app.app_context():
        _db.engine.dispose()


def keyring_new_key() -> str:
    from tracker.crypto import new_key

    return new_key()


def test_case_search_still_finds_names_and_references_with_encryption(
    fresh_database: str, own_instance: Path
) -> None:
    from tracker.services.cases.search import CaseQuery, search_cases

    app = make_app(fresh_database, str(own_instance))
    plant(app, 5)
    with app.app_context():
        found = search_cases(_db.session, CaseQuery(q="Encrypted Person"))
        assert [c.reference for c in found.items] == ["ENC-5"]
        # Private notes are not searchable (nor were they before: the index holds public text).
        assert search_cases(_db.session, CaseQuery(q=sentinel("internal_notes", 5))).total == 0
        assert _db.session.scalar(select(Case.internal_notes)) == sentinel("internal_notes", 5)
        _db.engine.dispose()


def test_data_at_rest_two_factor_secret_is_stored_encrypted_and_still_signs_in(
    fresh_database: str, own_instance: Path
) -> None:
    import pyotp

    from tracker.services.accounts.two_factor import confirm_enrolment, start_enrolment

    app = make_app(fresh_database, str(own_instance))
    with app.app_context(), write_intent():
        user = create_user(_db.session, None, "totp@example.org", "correct-horse-7", "admin")
        secret = start_enrolment(_db.session, user)
        _db.session.commit()
        user_id = user.id
        _db.session.remove()
    with app.app_context(), write_intent():
        stored = _db.session.execute(
            text("SELECT totp_secret FROM users WHERE id = :i"), {"i": user_id}
        ).scalar_one()
        assert stored.startswith("enc1:") and secret not in stored
        user = _db.session.get(User, user_id)
        assert user is not None and user.totp_secret == secret
        # The secret read back is the one the authenticator app was given: its code confirms.
        confirm_enrolment(_db.session, user, pyotp.TOTP(secret).now())
        _db.session.commit()
        assert user.two_factor_enabled
        _db.session.remove()
        _db.engine.dispose()


def test_data_at_rest_migration_encrypts_existing_two_factor_secrets_and_back(
    fresh_database: str, own_instance: Path
) -> None:
    import flask_migrate

    from tracker.paths import MIGRATIONS_DIR

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    app = make_app(fresh_database, str(own_instance))
    with app.app_context(), write_intent():
        user = create_user(_db.session, None, "enrolled@example.org", "correct-horse-7", "admin")
        user.totp_secret = secret
        _db.session.commit()
        _db.session.remove()

        def stored() -> str:
            value = _db.session.execute(text("SELECT totp_secret FROM users")).scalar_one()
            _db.session.remove()
            return str(value)

        # As an installation before this change holds it: plain text.
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="i18n_0001")
        assert stored() == secret
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        assert stored().startswith("enc1:") and secret not in stored()
        assert _db.session.scalar(select(User.totp_secret)) == secret
        _db.session.remove()
        _db.engine.dispose()
