"""Configuration: defaults, the instance folder, environment variables, the secret key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def default_instance_path() -> str:
    """TRACKER_INSTANCE_PATH, or `instance/` in the current directory."""
    return os.path.abspath(os.environ.get("TRACKER_INSTANCE_PATH") or "instance")


def load_secret_key(instance_path: str) -> str:
    """TRACKER_SECRET_KEY, or a key generated once into the instance folder."""
    from_env = os.environ.get("TRACKER_SECRET_KEY")
    if from_env:
        return from_env
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, one writes and both read the same key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings every installation starts from."""
    database_url = os.environ.get("TRACKER_DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "tracker.db")
    )
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "PDF_CACHE_DIR": os.path.join(instance_path, "pdf-cache"),
        "ORGANISATION_NAME": "Tracker Human Rights",
    }
