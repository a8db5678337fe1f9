"""Encryption at rest: AES-GCM under a data key kept outside the database.

A stored value is `enc1:KID:TOKEN`, where KID names the key (the first 8 hex digits of the
SHA-256 of the key, so a key names itself and two installations never mix theirs up) and
TOKEN is base64url(12-byte random nonce + ciphertext + 16-byte tag). The key comes from
`TRACKER_DATA_KEY` (base64 of 32 bytes; several comma-separated keys during a rotation, the
first encrypts) or from `instance/data_key`, created with mode 0600 on the first run.

Rotation (`tracker keys rotate`) writes the new key to `instance/data_key.new` first. While that
file exists every process encrypts under it and decrypts with either key (a process notices
the file by its modification time before each encryption), so nothing written during the
rotation is left under the old key. The database is re-encrypted in one transaction; only
after it commits does the new key replace `data_key`. A crash at any point leaves every value
readable with the files on disk, and running the command again finishes the job.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

from tracker.domain.errors import TrackerError
from tracker.domain.messages import M_

PREFIX = "enc1:"
KEY_FILE = "data_key"
PENDING_KEY_FILE = "data_key.new"
ENV_VAR = "TRACKER_DATA_KEY"
REFRESH_SECONDS = 0.25


class DataKeyError(TrackerError):
    """The data key is missing, malformed or not the one the database was encrypted with."""


DAMAGED = M_("A stored private value is damaged and cannot be read.")


def new_key() -> str:
    """A fresh data key, as it is written in the key file or TRACKER_DATA_KEY."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def key_id(raw: bytes) -> str:
    """The name of a key as it appears in every value it encrypted."""
    return hashlib.sha256(raw).hexdigest()[:8]


def _parse_key(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise DataKeyError(
            M_(
                "The data key in %(where)s is not a key: expected base64 of 32 bytes "
                "(`tracker keys new` prints one).",
                where=where,
            )
        )
    return raw


def _write_private(path: Path, text: str) -> None:
    """Create `path` with mode 0600 and fsync it; fail when it exists already."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())


class Cipher:
    """AES-GCM under one key, made on first use: `cryptography` (about 5 MB of a process) is
    imported only by a process that reads or writes a private value, never by one that only
    renders letters or serves public pages."""

    __slots__ = ("_aead", "_raw")

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._aead: Any = None

    def _cipher(self) -> Any:
        if self._aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead = AESGCM(self._raw)
        return self._aead

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes) -> bytes:
        sealed: bytes = self._cipher().encrypt(nonce, data, associated)
        return sealed

    def decrypt(self, nonce: bytes, sealed: bytes, associated: bytes) -> bytes | None:
        """The plaintext, or None when the value was not sealed under this key (or damaged)."""
        from cryptography.exceptions import InvalidTag

        try:
            data: bytes = self._cipher().decrypt(nonce, sealed, associated)
        except InvalidTag:
            return None
        return data


@dataclass
class Keyring:
    """The keys of this process: one that encrypts, every known one decrypts."""

    instance_path: Path | None = None
    from_env: bool = False
    current: str = ""
    ciphers: dict[str, Cipher] = field(default_factory=dict)
    # The ids of the keys configured now (TRACKER_DATA_KEY or the instance's key files); the
    # ciphers may also hold keys of an earlier configuration of this process.
    configured: frozenset[str] = frozenset()
    problem: str = ""
    _stamp: tuple[Any, ...] = ()
    _checked: float = 0.0
    _paths: tuple[str, ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- loading ---------------------------------------------------------------------------

    def configure(self, instance_path: str | os.PathLike[str]) -> None:
        """Load the keys for an instance folder (or TRACKER_DATA_KEY); create one if none."""
        self.instance_path = Path(instance_path)
        self._paths = tuple(str(p) for p in self._files())
        self.from_env = bool(os.environ.get(ENV_VAR, "").strip())
        self.problem = ""
        if not self.from_env:
            key_file = self.instance_path / KEY_FILE
            if not key_file.exists():
                try:
                    _write_private(key_file, new_key())
                except FileExistsError:
                    pass  # another process created it a moment ago: use theirs
                except OSError as exc:
                    # A read-only instance folder: public pages never need the key, so the
                    # app still starts; whatever reads or writes a private value says why.
                    self.problem = M_(
                        "No data key: %(file)s is missing and cannot be created "
                        "(%(error)s). Restore it from your backup or set %(variable)s.",
                        file=str(key_file),
                        error=exc.strerror or "",
                        variable=ENV_VAR,
                    )
        self._load()

    def _files(self) -> tuple[Path, Path]:
        assert self.instance_path is not None
        return self.instance_path / KEY_FILE, self.instance_path / PENDING_KEY_FILE

    def _file_stamp(self) -> tuple[Any, ...]:
        if self.from_env or self.instance_path is None:
            return ()
        stamp: list[Any] = []
        for path in self._paths:
            try:
                st = os.stat(path)
                stamp.append((st.st_ino, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                stamp.append(None)
        return tuple(stamp)

    def _load(self) -> None:
        keys: list[bytes] = []
        if self.from_env:
            for part in os.environ[ENV_VAR].split(","):
                if part.strip():
                    keys.append(_parse_key(part, ENV_VAR))
        elif self.instance_path is not None:
            key_file, pending = self._files()
            stamp = self._file_stamp()
            # The pending key (a rotation under way) encrypts; the settled one still decrypts.
            for path in (pending, key_file):
                if path.exists():
                    keys.append(_parse_key(path.read_text(), str(path)))
            self._stamp = stamp
        with self._lock:
            for raw in keys:
                self.ciphers.setdefault(key_id(raw), Cipher(raw))
            self.configured = frozenset(key_id(raw) for raw in keys)
            self.current = key_id(keys[0]) if keys else ""

    def _refresh(self, force: bool = False) -> None:
        # At most every REFRESH_SECONDS: two stat calls per value cost an import half its speed.
        # A rotation waits twice as long after writing the new key before it re-encrypts.
        now = time.monotonic()
        if self.from_env or (not force and now - self._checked < REFRESH_SECONDS):
            return
        self._checked = now
        if self._file_stamp() != self._stamp:
            self._load()

    # -- use ----------------------------------------------------------------------------------

    def _missing(self) -> DataKeyError:
        return DataKeyError(
            self.problem
            or M_(
                "No data key is loaded. Set %(variable)s or restore instance/%(file)s.",
                variable=ENV_VAR,
                file=KEY_FILE,
            )
        )

    def encrypt(self, plaintext: str) -> str:
        """`enc1:KID:TOKEN` under the current key."""
        self._refresh()
        if not self.current:
            raise self._missing()
        kid = self.current
        nonce = secrets.token_bytes(12)
        sealed = self.ciphers[kid].encrypt(nonce, plaintext.encode(), kid.encode())
        return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """The plaintext of a stored value; a value without the prefix is returned as it is."""
        if not stored.startswith(PREFIX):
            return stored
        try:
            kid, token = stored[len(PREFIX) :].split(":", 1)
            blob = base64.urlsafe_b64decode(token.encode())
        except (ValueError, binascii.Error):
            raise DataKeyError(DAMAGED) from None
        cipher = self.ciphers.get(kid)
        if cipher is None:
            self._refresh(force=True)
            cipher = self.ciphers.get(kid)
        if cipher is None:
            if not self.current:
                raise self._missing()
            raise DataKeyError(
                M_(
                    "Private values were encrypted under data key %(kid)s, but the key loaded "
                    "is %(current)s. Restore the instance/%(file)s backed up with this "
                    "database, or set %(variable)s to it.",
                    kid=kid,
                    current=self.current,
                    file=KEY_FILE,
                    variable=ENV_VAR,
                )
            )
        plain = cipher.decrypt(blob[:12], blob[12:], kid.encode())
        if plain is None:
            raise DataKeyError(DAMAGED)
        return plain.decode()

    def has_key(self, kid: str) -> bool:
        """True when the key named `kid` is one this instance is configured with now."""
        self._refresh()
        return kid in self.configured

    def key_of(self, stored: str) -> str | None:
        """The key id a stored value is encrypted under (None for plaintext)."""
        if not stored.startswith(PREFIX):
            return None
        return stored[len(PREFIX) :].split(":", 1)[0]

    def forget(self, kids: Iterable[str]) -> None:
        """Drop keys from memory (after a rotation, the old key must decrypt nothing)."""
        dropped = set(kids) - {self.current}
        with self._lock:
            for kid in dropped:
                self.ciphers.pop(kid, None)
            self.configured = self.configured - dropped


keyring = Keyring()


class EncryptedText(TypeDecorator[str]):
    """Text stored as `enc1:KID:TOKEN` (AES-GCM, a random nonce per value); read as plain text.

    For every private text: case fields, status notes, and (next) letter-report notes.

    Only equality with NULL can be queried: the stored value differs every time it is written,
    so never filter, sort or index on such a column.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if not value:
            # AES-GCM keeps the length of what it encrypts, so an empty value would show as
            # empty anyway; stored as it is, it costs an import nothing.
            return value
        return keyring.encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring.decrypt(value)


class EncryptedDate(TypeDecorator[dt.date]):
    """A private date (a date of birth), stored encrypted as its ISO text like EncryptedText."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dt.date | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring.encrypt(value.isoformat())

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        if value is None:
            return None
        return dt.date.fromisoformat(keyring.decrypt(value))


ENCRYPTED_TYPES = (EncryptedText, EncryptedDate)


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, column) of every encrypted column in the models."""
    from tracker.models import Base

    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, ENCRYPTED_TYPES):
                pk = next(iter(table.primary_key.columns)).name
                found.append((table.name, pk, column.name))
    return found


# -- rotation (driven by `tracker keys rotate`) -----------------------------------------------


def begin_rotation(ring: Keyring = keyring) -> tuple[str, list[str]]:
    """Make a new key the one that encrypts, keeping the old ones; (new id, old ids).

    With key files, the new key is written to `data_key.new` (or the one a crashed rotation
    left there is taken up again). With TRACKER_DATA_KEY, the first of its keys is the new one.
    """
    if ring.instance_path is None:
        raise DataKeyError(M_("No data key is configured."))
    if ring.from_env:
        ring._load()
        if len(ring.ciphers) < 2 and len(os.environ[ENV_VAR].split(",")) < 2:
            raise DataKeyError(
                M_(
                    "%(variable)s holds one key. Put a new key first (`tracker keys new` prints "
                    "one): %(variable)s=NEW,OLD, run `tracker keys rotate`, then set "
                    "%(variable)s=NEW.",
                    variable=ENV_VAR,
                )
            )
    else:
        key_file, pending = ring._files()
        if not key_file.exists():
            raise ring._missing()
        if not pending.exists():
            _write_private(pending, new_key())
            _fsync_dir(pending.parent)
            # Every process looks at the key files at least every REFRESH_SECONDS before it
            # encrypts: after this, none encrypts under the old key any more.
            time.sleep(2 * REFRESH_SECONDS)
        ring._load()
    old = sorted(kid for kid in ring.ciphers if kid != ring.current)
    return ring.current, old


def finish_rotation(old: list[str], ring: Keyring = keyring) -> None:
    """After the re-encryption committed: the new key replaces the old one on disk and here."""
    if not ring.from_env:
        key_file, pending = ring._files()
        if pending.exists():
            os.replace(pending, key_file)
            _fsync_dir(key_file.parent)
        ring._load()
    ring.forget(old)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
