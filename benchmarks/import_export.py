"""Import and export 100,000 generated cases with histories on SQLite; prints rows/s vs targets.

.venv/bin/python benchmarks/import_export.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

IMPORT_TARGET = 2_000  # cases per second
EXPORT_TARGET = 10_000

COUNTRIES = ["VN", "IR", "CN", "EG", "TR", "BY", "RU", "SA", "BR", "NG", "MM", "VE"]
CATEGORIES = ["activist", "journalist", "lawyer", "student", "campaigner", "writer_artist"]
PATHS = [
    [("detained", None)],
    [("detained", None), ("charged", None)],
    [("detained", None), ("charged", None), ("on_trial", None), ("sentenced", None)],
    [("disappeared", None), ("detained", None), ("sentenced", None), ("released", "pardon")],
    [("detained", None), ("restricted", None), ("released", "charges_dropped")],
    [("detained", None), ("sentenced", None), ("released", "sentence_served"), ("detained", None)],
]


def generate(n: int, folder: Path) -> tuple[Path, Path, int]:
    from tracker.domain.case_fields import csv_columns
    from tracker.services.cases.transfer import EVENT_COLUMNS

    rng = random.Random(2020)
    cases_path, events_path = folder / "cases.csv", folder / "events.csv"
    events_total = 0
    with open(cases_path, "w", newline="") as cf, open(events_path, "w", newline="") as ef:
        cw, ew = csv.writer(cf), csv.writer(ef)
        cw.writerow(csv_columns())
        ew.writerow(EVENT_COLUMNS)
        for i in range(n):
            ref = f"GEN-{i:06d}"
            path = PATHS[rng.randrange(len(PATHS))]
            start = 14_000 + rng.randrange(5_000)  # days since 1970: 2008..2021
            days = [start + 30 * k + rng.randrange(30) for k in range(len(path))]
            dates = [time.strftime("%Y-%m-%d", time.gmtime(d * 86400)) for d in days]
            last, kind = path[-1]
            cw.writerow(
                [
                    ref,
                    f"Generated Person {i}",
                    "",
                    rng.choice(COUNTRIES),
                    rng.choice(CATEGORIES),
                    "",
                    dates[0],
                    last,
                    dates[-1],
                    kind or "",
                    "Fictional benchmark case.",
                    "true" if i % 2 else "false",
                    "true" if i % 3 else "false",
                ]
            )
            for (status, rk), date in zip(path, dates, strict=True):
                ew.writerow([ref, status, date, "day", rk or "", "", ""])
                events_total += 1
    return cases_path, events_path, events_total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["TRACKER_INSTANCE_PATH"] = str(folder / "instance")
        os.environ.pop("TRACKER_DATABASE_URL", None)
        from flask_migrate import upgrade

        from tracker import create_app
        from tracker.database import write_intent
        from tracker.extensions import db
        from tracker.paths import MIGRATIONS_DIR
        from tracker.services.cases.transfer import export_cases, import_cases

        cases_path, events_path, n_events = generate(args.cases, folder)
        app = create_app()
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            with write_intent():
                t0, c0 = time.perf_counter(), time.process_time()
                result = import_cases(db.session, None, cases_path, events_path)
                db.session.commit()
                t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
            db.session.remove()
            assert result.created == args.cases, result
            with write_intent():
                t0, c0 = time.perf_counter(), time.process_time()
                again = import_cases(db.session, None, cases_path, events_path)
                db.session.commit()
                t_reimport, c_reimport = time.perf_counter() - t0, time.process_time() - c0
            assert again.unchanged == args.cases, again
            db.session.remove()
            t0 = time.perf_counter()
            with (
                open(folder / "out.csv", "w", newline="") as out,
                open(folder / "out-events.csv", "w", newline="") as eout,
            ):
                exported = export_cases(db.session, "csv", out, eout)
            t_export = time.perf_counter() - t0
            t0 = time.perf_counter()
            with open(folder / "out.json", "w") as out:
                export_cases(db.session, "json", out)
            t_export_json = time.perf_counter() - t0
            db.session.remove()
            assert exported == args.cases

    n = args.cases
    rate_import, rate_export = n / t_import, n / t_export
    print(f"python {sys.version.split()[0]}, SQLite, {n} cases, {n_events} status changes")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"import (new)     {t_import:7.2f} s  {rate_import:9.0f} cases/s  "
        f"{rate_import / IMPORT_TARGET:5.1f} x target {IMPORT_TARGET}/s  "
        f"(CPU {c_import:.2f} s, {n / c_import:.0f} cases per CPU-second)"
    )
    print(
        f"re-import (same) {t_reimport:7.2f} s  {n / t_reimport:9.0f} cases/s  "
        f"{n / t_reimport / IMPORT_TARGET:5.1f} x target {IMPORT_TARGET}/s  "
        f"(CPU {c_reimport:.2f} s, {n / c_reimport:.0f} cases per CPU-second)"
    )
    print(
        f"export csv       {t_export:7.2f} s  {rate_export:9.0f} cases/s  "
        f"{rate_export / EXPORT_TARGET:5.1f} x target {EXPORT_TARGET}/s"
    )
    print(
        f"export json      {t_export_json:7.2f} s  {n / t_export_json:9.0f} cases/s  "
        f"{n / t_export_json / EXPORT_TARGET:5.1f} x target {EXPORT_TARGET}/s"
    )


if __name__ == "__main__":
    main()
