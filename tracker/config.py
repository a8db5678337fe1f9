"""Configuration: defaults, the instance folder, environment variables, the secret key."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def default_instance_path() -> str:
    """The instance folder every process of an installation shares (web, worker, CLI).

    TRACKER_INSTANCE_PATH when set; else, for a checkout or an editable install, the project's
    own `instance/` (beside pyproject.toml), wherever the command is run from; else (an
    installed wheel) `instance/` in the current directory.
    """
    from_env = os.environ.get("TRACKER_INSTANCE_PATH")
    if from_env:
        return os.path.abspath(from_env)
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").is_file() and (project / "tracker").is_dir():
        return str(project / "instance")
    return os.path.abspath("instance")


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


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
    except OSError as exc:
        # A read-only instance folder: public pages still work; sign-ins last as long as this
        # process. Set TRACKER_SECRET_KEY to share one key between processes.
        log.warning("cannot write %s (%s): using a key for this process only", key_file, exc)
        return key
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def read_only_sqlite_url(url: str) -> str | None:
    """A read-only URL for a SQLite file whose folder cannot be written, else None.

    SQLite in WAL mode creates `-wal` and `-shm` files beside the database even to read; in
    a read-only folder that fails and every page would be a 500. Opened read-only (and
    `immutable` when no writer has a `-wal` file open), reads work and writes fail cleanly.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url == prefix + ":memory:":
        return None
    path = Path(url[len(prefix) :])
    if not path.exists() or os.access(path.parent, os.W_OK):
        return None
    immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    return f"{prefix}file:{path}?mode=ro{immutable}&uri=true"


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
        # Background jobs (tracker/jobs): empty URL = SQLite queue in the instance folder.
        "QUEUE_URL": os.environ.get("TRACKER_QUEUE_URL", ""),
        "QUEUE_NAME": os.environ.get("TRACKER_QUEUE_NAME", "tracker"),
        # Results and the embedded queue; on several machines, a folder they all share.
        "JOBS_DIR": os.environ.get("TRACKER_JOBS_DIR") or os.path.join(instance_path, "jobs"),
        "JOB_RESULT_TTL": _seconds("JOB_RESULT_TTL", 24 * 3600),
        # A running job whose worker has not written a heartbeat for this long is retried.
        "JOB_STALE_AFTER": _seconds("TRACKER_JOB_STALE_AFTER", 60),
        "JOB_MAX_ATTEMPTS": 3,
        # Processes one pack job lays its letters out in (forked by the job's worker process).
        "PACK_WORKERS": _seconds("TRACKER_PACK_WORKERS", min(os.cpu_count() or 1, 4)),
        "MAIL_URL": os.environ.get("TRACKER_MAIL_URL", ""),
        "MAIL_FROM": os.environ.get("TRACKER_MAIL_FROM", ""),
        # Links in mail point here (the address staff open the site at).
        "BASE_URL": os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000"),
        "REMINDERS_HOUR": _seconds("TRACKER_REMINDERS_HOUR", 7),
        # The web edge (tracker/web/security.py) and two-factor sign-in.
        "PROXY_COUNT": int(os.environ.get("TRACKER_PROXY_COUNT") or 0),
        "HTTPS": os.environ.get("TRACKER_HTTPS", "").lower() in ("1", "true", "yes", "on"),
        "REQUIRE_2FA": False,
        # The language of a page whose reader asked for none we ship (tracker/i18n.py).
        "DEFAULT_LANGUAGE": os.environ.get("TRACKER_DEFAULT_LANGUAGE", "en"),
    }
