"""Archive export and import of 100,000 generated cases with 300,000 status changes.

SQLite export, SQLite import and PostgreSQL import (a scratch database on the server named by
--pg-url, created and dropped here), each beside the target of 5,000 cases/s; the restored
databases are exported again and must give the same records.

.venv/bin/python benchmarks/archive.py [--cases 100000] [--pg-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

TARGET = 5_000  # cases per second, each way
CHANGES_PER_CASE = 3
CHUNK = 5_000
COUNTRIES = ["VN", "IR", "CN", "EG", "TR", "BY", "RU", "SA", "BR", "NG", "MM", "VE"]
CATEGORIES = ["activist", "journalist", "lawyer", "student", "campaigner", "writer_artist"]
PATH = ["detained", "charged", "sentenced"]


def fill(connection: Any, n: int) -> int:
    """Bulk Core inserts of n cases with three status changes each; returns the changes."""
    from sqlalchemy import insert

    from tracker.models import Case, StatusChange, User

    rng = random.Random(2020)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    connection.execute(
        insert(User.__table__),
        [{"email": "admin@example.org", "name": "Ada", "role": "admin", "password_hash": "x"}],
    )
    changes = 0
    for start in range(0, n, CHUNK):
        cases, history = [], []
        for i in range(start, min(n, start + CHUNK)):
            day = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(5_000))
            cases.append(
                {
                    "id": i + 1,
                    "reference": f"GEN-{i:06d}",
                    "slug": f"generated-person-{i}",
                    "full_name": f"Generated Person {i}",
                    "country": rng.choice(COUNTRIES),
                    "category": rng.choice(CATEGORIES),
                    "arrested_on": day,
                    "summary": "Fictional benchmark case, held for peaceful activism.",
                    "internal_notes": "Private note of the caseworker.",
                    "is_public": i % 2 == 0,
                    "consent_publicity": i % 3 != 0,
                    "status": PATH[-1],
                    "status_since": day + dt.timedelta(days=60),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            previous = None
            for k, status in enumerate(PATH):
                history.append(
                    {
                        "case_id": i + 1,
                        "from_status": previous,
                        "to_status": status,
                        "effective_on": day + dt.timedelta(days=30 * k),
                        "recorded_at": now,
                        "recorded_by_id": 1,
                        "public_note": "Reported by the family.",
                    }
                )
                previous = status
        connection.execute(insert(Case.__table__), cases)
        connection.execute(insert(StatusChange.__table__), history)
        changes += len(history)
    return changes


def app_on(url: str) -> Any:
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.paths import MIGRATIONS_DIR

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    return app


def export_to(app: Any, path: Path) -> tuple[tuple[float, float], Any]:
    from tracker.extensions import db
    from tracker.services.archive import export_archive

    with app.app_context():
        t0, c0 = time.perf_counter(), time.process_time()
        with open(path, "wb") as out:
            summary = export_archive(db.session, out)
        seconds = time.perf_counter() - t0, time.process_time() - c0
        db.session.rollback()
        db.session.remove()
    return seconds, summary


def import_into(app: Any, path: Path) -> tuple[float, float]:
    from tracker.database import write_intent
    from tracker.extensions import db
    from tracker.services.archive import import_archive

    with app.app_context(), write_intent():
        t0, c0 = time.perf_counter(), time.process_time()
        import_archive(db.session, None, path)
        db.session.commit()
        seconds = time.perf_counter() - t0, time.process_time() - c0
        db.session.remove()
        db.engine.dispose()
    return seconds


def records(path: Path) -> dict[str, bytes]:
    """The tables of an archive, bar the audit log (each import adds its own event)."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        return {t["name"]: t["sha256"] for t in manifest["tables"] if t["name"] != "audit_events"}


def scratch_postgresql(url: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = "tracker_archive_bench"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def line(label: str, n: int, timing: tuple[float, float]) -> str:
    # Wall time is the figure; this process's CPU time beside it shows what a shared,
    # busy machine added (for PostgreSQL the server's own work is not in it).
    seconds, cpu = timing
    rate = n / seconds
    return (
        f"{label:<20} {seconds:7.2f} s {rate:8.0f} cases/s {rate / TARGET:5.1f} x target "
        f"{TARGET}/s   (cpu here {cpu:6.2f} s, {n / cpu:7.0f} cases/cpu-s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "TRACKER_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="A PostgreSQL server to make a scratch database on ('' to skip).",
    )
    args = parser.parse_args()
    n = args.cases
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["TRACKER_INSTANCE_PATH"] = str(folder / "instance")
        os.environ.pop("TRACKER_DATABASE_URL", None)
        from tracker.database import write_intent
        from tracker.extensions import db

        source = app_on(f"sqlite:///{folder / 'source.db'}")
        with source.app_context(), write_intent():
            t0 = time.perf_counter()
            changes = fill(db.session.connection(), n)
            db.session.commit()
            t_fill = time.perf_counter() - t0
            db.session.remove()

        t_export, summary = export_to(source, folder / "a.zip")
        size = (folder / "a.zip").stat().st_size

        target = app_on(f"sqlite:///{folder / 'target.db'}")
        t_import = import_into(target, folder / "a.zip")
        _, _ = export_to(target, folder / "b.zip")
        assert records(folder / "b.zip") == records(folder / "a.zip"), "SQLite round trip differs"

        t_pg = None
        if args.pg_url:
            pg_url, drop = scratch_postgresql(args.pg_url)
            try:
                pg = app_on(pg_url)
                t_pg = import_into(pg, folder / "a.zip")
                _, _ = export_to(pg, folder / "c.zip")
                assert records(folder / "c.zip") == records(folder / "a.zip"), (
                    "PG round trip differs"
                )
                with pg.app_context():
                    db.engine.dispose()
            finally:
                drop()

    print(
        f"python {sys.version.split()[0]}, {n} cases, {changes} status changes, "
        f"{summary.total_rows} records; archive {size / 1e6:.1f} MB "
        f"(bulk fill {t_fill:.1f} s); load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cpus"
    )
    print(line("export  SQLite", n, t_export))
    print(line("import  SQLite", n, t_import))
    if t_pg is not None:
        print(line("import  PostgreSQL", n, t_pg))
        print(f"PostgreSQL import / SQLite import: {t_pg[0] / t_import[0]:.2f} (wall time)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process {peak:.0f} MB (rows are streamed in chunks of {CHUNK})")
    print("round trips give the same records: yes")


if __name__ == "__main__":
    main()
