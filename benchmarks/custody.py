"""Custody figures on SQLite: what facilities, placements and letter reports cost, side by side.

    .venv/bin/python benchmarks/custody.py [--facilities 2000] [--cases 20000] [--runs 200]

Seeds a temporary database (bulk insert) with facilities, cases moved between them, solidarity
appeals with daily "I posted it" counts and letter reports, then prints p50/p95 of:

- the letter state query behind every PDF download, with the current facility and its version
  (added for solidarity mail) beside the same query without them;
- the facilities that consenting people may be written to at, for a page of 50 public cases;
- a page of 50 facilities with their 365-day letter figures (the API list and the staff list)
  beside the same page without figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
from sqlalchemy import insert, select

from tracker import create_app
from tracker.extensions import db
from tracker.models import Appeal, AppealCounter, Case, Facility, LetterReport, Placement
from tracker.paths import MIGRATIONS_DIR
from tracker.services.custody.facilities import facilities_by_id
from tracker.services.custody.figures import facility_figures
from tracker.services.publishing import letter_state
from tracker.services.publishing.custody import mail_facilities

TODAY = dt.date(2026, 6, 30)


def seed(facilities: int, cases: int, rng: random.Random) -> None:
    """Facilities, cases with 1-4 placements each, a solidarity appeal each, counts, reports."""
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    db.session.execute(
        insert(Facility),
        [
            {"name": f"Facility {i}", "country": "BY", "letter_rules": {"languages": ["ru"]}}
            for i in range(1, facilities + 1)
        ],
    )
    db.session.execute(
        insert(Case),
        [
            {
                "reference": f"BY-{i}",
                "slug": f"person-{i}",
                "full_name": f"Person {i}",
                "country": "BY",
                "category": "activist",
                "is_public": True,
                "consent_publicity": True,
                "consent_detention_address": i % 2 == 0,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(1, cases + 1)
        ],
    )
    moves, appeals, counters, reports = [], [], [], []
    for case_id in range(1, cases + 1):
        day = dt.date(2023, 1, 1)
        for _ in range(rng.randint(1, 4)):
            day += dt.timedelta(days=rng.randint(30, 300))
            moves.append(
                {"case_id": case_id, "facility_id": rng.randint(1, facilities), "effective_on": day}
            )
        appeals.append(
            {"id": case_id, "case_id": case_id, "kind": "solidarity", "status": "active"}
        )
        for _ in range(5):
            counters.append(
                {
                    "appeal_id": case_id,
                    "day": TODAY - dt.timedelta(days=rng.randint(0, 500)),
                    "sent": rng.randint(1, 9),
                }
            )
        for _ in range(2):
            reports.append(
                {
                    "case_id": case_id,
                    "facility_id": rng.randint(1, facilities),
                    "kind": rng.choice(["returned", "reply", "delivered"]),
                    "on": TODAY - dt.timedelta(days=rng.randint(0, 500)),
                    "count": rng.randint(1, 3),
                    "recorded_at": now,
                }
            )
    db.session.execute(insert(Placement), [{**m, "recorded_at": now} for m in moves])
    db.session.execute(
        insert(Appeal), [{**a, "created_at": now, "updated_at": now} for a in appeals]
    )
    unique = {(c["appeal_id"], c["day"]): c for c in counters}
    db.session.execute(insert(AppealCounter), list(unique.values()))
    db.session.execute(insert(LetterReport), reports)
    db.session.commit()


def percentiles(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 of `fn` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


_PLAIN: list[object] = []


def state_without_custody(slug: str, appeal_id: int) -> object:
    """The state query as it was before solidarity mail: without the facility columns."""
    if not _PLAIN:  # built once, as the real one is (lru_cache)
        query = letter_state._state_query()
        custody = ("facility_id", "facility_version")
        _PLAIN.append(
            query.with_only_columns(*(c for c in query.selected_columns if c.name not in custody))
        )
    params = {"slug": slug, "appeal_id": appeal_id}
    return db.session.connection().execute(_PLAIN[0], params).first()  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRACKER_INSTANCE_PATH"] = tmp
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            started = time.perf_counter()
            seed(args.facilities, args.cases, rng)
            placements = db.session.query(Placement).count()
            print(
                f"seeded {args.facilities} facilities, {args.cases} cases, {placements} "
                f"placements in {time.perf_counter() - started:.1f} s"
            )
            picks = [rng.randint(1, args.cases) for _ in range(args.runs + 1)]
            it = iter(picks * 3)

            def with_custody() -> object:
                n = next(it)
                return letter_state.appeal_state(db.session, f"person-{n}", n)

            def without_custody() -> object:
                n = next(it)
                return state_without_custody(f"person-{n}", n)

            rows = [
                ("letter state, with facility", with_custody, without_custody),
            ]
            page = list(range(1, 51))
            ids = db.session.scalars(select(Facility.id).order_by(Facility.id).limit(50)).all()
            rows.append(
                (
                    "figures of 50 facilities",
                    lambda: facility_figures(db.session, ids, TODAY),
                    lambda: facilities_by_id(db.session, 1, 50),
                )
            )
            rows.append(
                (
                    "mail facilities, 50 cases",
                    lambda: mail_facilities(db.session, page),
                    lambda: db.session.execute(select(Case.id).where(Case.id.in_(page))).all(),
                )
            )
            print(f"{'measure':32} {'p50 ms':>8} {'p95 ms':>8}   {'baseline p50':>12} {'ratio':>6}")
            for name, ours, base in rows:
                p50, p95 = percentiles(ours, args.runs)
                b50, _ = percentiles(base, args.runs)
                print(f"{name:32} {p50:8.2f} {p95:8.2f}   {b50:12.2f} {p50 / b50:6.2f}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
