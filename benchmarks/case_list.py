"""Case list and dashboard at 100,000 cases on SQLite: page time beside its bare SQL time.

    .venv/bin/python benchmarks/case_list.py [--cases 100000] [--runs 60]

Seeds a temporary database (bulk insert; the FTS5 triggers of migration 0002 index every
row), signs in on the Flask test client, and prints p50/p95 of each page and of the SQL it
needs, measured side by side in one run.
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
from sqlalchemy import insert

from tracker import create_app
from tracker.extensions import db
from tracker.models import Case
from tracker.paths import MIGRATIONS_DIR
from tracker.services.accounts.users import create_user
from tracker.services.cases.dashboard import build_dashboard
from tracker.services.cases.search import CaseQuery, search_cases

WORDS = [
    "activist",
    "lawyer",
    "journalist",
    "blogger",
    "union",
    "teacher",
    "student",
    "poet",
    "monk",
    "farmer",
    "land",
    "rights",
    "labour",
    "protest",
    "petition",
    "online",
    "essay",
    "interview",
    "court",
    "detention",
    "torture",
    "appeal",
    "family",
    "health",
    "prison",
    "sentence",
    "charges",
    "subversion",
    "propaganda",
    "assembly",
    "speech",
    "religion",
    "water",
    "forest",
    "mine",
    "river",
    "village",
    "city",
    "province",
    "capital",
    "border",
]
SURNAMES = [
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Mohammadi",
    "Rahimi",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Ahmed",
    "Hassan",
    "Ali",
]
GIVEN = [
    "Nga",
    "Narges",
    "Quanzhang",
    "Minh",
    "Lan",
    "Reza",
    "Sara",
    "Wei",
    "Jun",
    "Mei",
    "Omar",
    "Layla",
    "Amir",
    "Hoa",
    "Thu",
]
COUNTRIES = ["VN", "IR", "CN", "EG", "BY", "RU", "TR", "SA", "BH", "MM"]
CATEGORIES = [
    "activist",
    "campaigner",
    "lawyer",
    "journalist",
    "human_rights_defender",
    "student",
    "writer_artist",
    "trade_unionist",
]
STATUSES = [
    "detained",
    "disappeared",
    "charged",
    "on_trial",
    "sentenced",
    "restricted",
    "released",
    "closed",
]


def seed(n: int, rng: random.Random) -> None:
    now = dt.datetime.now(dt.UTC)
    batch: list[dict[str, object]] = []
    for i in range(n):
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}"
        batch.append(
            {
                "reference": f"{rng.choice(COUNTRIES)}-{i:06}",
                "slug": f"case-{i}",
                "full_name": name,
                "name_native": "",
                "country": rng.choice(COUNTRIES),
                "category": rng.choice(CATEGORIES),
                "summary": " ".join(rng.choices(WORDS, k=25))
                + (" xylophonist" if i % 500 == 0 else ""),
                "status": rng.choice(STATUSES),
                "is_public": rng.random() < 0.3,
                "arrested_on": dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
                "status_since": dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
                "updated_at": now - dt.timedelta(days=rng.randrange(400)),
                "created_at": now - dt.timedelta(days=rng.randrange(400)),
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Case), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(Case), batch)
    db.session.commit()


def percentiles(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRACKER_INSTANCE_PATH"] = tmp
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            start = time.perf_counter()
            seed(args.cases, random.Random(7))
            print(f"seeded {args.cases} cases in {time.perf_counter() - start:.1f}s")
            user = create_user(
                db.session, None, "bench@example.org", "bench-password-42", "caseworker"
            )
            db.session.commit()
            session_id = user.get_id()
            db.session.remove()

        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = session_id
            sess["_fresh"] = True

        views = [
            (
                "filter: status+country",
                "/staff/cases?status=detained&country=IR",
                CaseQuery(status="detained", country="IR"),
            ),
            (
                "filter: category+public, by name",
                "/staff/cases?category=lawyer&public=yes&sort=name",
                CaseQuery(category="lawyer", public="yes", sort="name"),
            ),
            ("search: one word", "/staff/cases?q=xylophonist", CaseQuery(q="xylophonist")),
            (
                "search: name prefix + filter",
                "/staff/cases?q=mohammadi+nar&status=sentenced",
                CaseQuery(q="mohammadi nar", status="sentenced"),
            ),
            ("search: common word", "/staff/cases?q=torture", CaseQuery(q="torture")),
            ("dashboard", "/staff", None),
        ]
        print(f"{'view':34} {'page p50':>9} {'page p95':>9} {'SQL p50':>8} {'SQL p95':>8}  (ms)")
        for label, url, query in views:

            def page(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            def sql(query: CaseQuery | None = query) -> None:
                with app.app_context():
                    if query is None:
                        build_dashboard(db.session)
                    else:
                        search_cases(db.session, query)
                    db.session.remove()

            page_p50, page_p95 = percentiles(page, args.runs)
            sql_p50, sql_p95 = percentiles(sql, args.runs)
            print(f"{label:34} {page_p50:9.1f} {page_p95:9.1f} {sql_p50:8.1f} {sql_p95:8.1f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
