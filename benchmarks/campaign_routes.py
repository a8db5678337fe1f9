"""Where a campaign day's time goes: each request of its mix alone, CPU time and SQL per request.

Run: .venv/bin/python benchmarks/campaign_routes.py [--requests 40]
Needs PostgreSQL (TRACKER_BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench, dropped and created afresh).

Loads the demo data, then sends each kind of request of benchmarks/campaign_day.py's mix
(home, case page, letter page, cached PDF, personalised PDF, "I posted it") and the static
stylesheet through the Flask test client of one process, N times each, interleaved in rounds so
that the machine's load falls on each alike. Prints the median CPU time of this process per
request (what the request costs whatever else the shared machine runs), the median wall time,
and the SQL statements per request; the public pages twice, kept (PUBLIC_PAGE_TTL_SECONDS, the
default) and rendered afresh for every request (0: what every request cost before issue 15).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from campaign_day import database  # beside this file


def requests_of(app: Any) -> dict[str, Callable[[], Any]]:
    """Each kind of request of the mix, on one test client with a session and CSRF token."""
    from tracker.extensions import db
    from tracker.services.publishing import queries as views

    with app.app_context():
        card = views.active_appeal_cards(db.session, dt.date.today())[0]
        slug, appeal = card.case.slug, card.appeal.id
    client = app.test_client()
    letter = f"/cases/{slug}/letters/{appeal}"
    page = client.get(letter).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    token = found.group(1) if found else ""
    supporter = {"csrf_token": token, "name": "Jane Roe", "address": "12 High St\nOxford"}
    return {
        "home": lambda: client.get("/"),
        "case": lambda: client.get(f"/cases/{slug}"),
        "letter": lambda: client.get(letter),
        "cached_pdf": lambda: client.get(letter + ".pdf"),
        "personal_pdf": lambda: client.post(letter + ".pdf", data=supporter),
        "posted": lambda: client.post(letter + "/sent", data={"csrf_token": token}),
        "static": lambda: client.get("/static/css/site.css"),
    }


def main(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tracker-campaign-routes-"))
    (tmp / "config.py").write_text("LETTER_RATE_LIMIT = 10**9\nPOSTED_RATE_LIMIT = 10**9\n")
    os.environ["TRACKER_INSTANCE_PATH"] = str(tmp)
    os.environ["TRACKER_SECRET_KEY"] = "bench"  # noqa: S105 - a throwaway instance
    os.environ["TRACKER_DATABASE_URL"] = database()
    tracker = str(Path(sys.executable).with_name("tracker"))
    try:
        subprocess.run([tracker, "db", "upgrade"], check=True, capture_output=True)
        subprocess.run([tracker, "demo", "load"], check=True, capture_output=True)
        run(rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(rounds: int) -> None:
    from sqlalchemy import event

    from tracker import create_app
    from tracker.extensions import db

    kept, fresh = create_app(), create_app()
    fresh.config["PUBLIC_PAGE_TTL_SECONDS"] = 0.0
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    for app in (kept, fresh):
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
    variants = {("kept", k): f for k, f in requests_of(kept).items()}
    variants.update(
        {("afresh", k): f for k, f in requests_of(fresh).items() if k in ("home", "case", "letter")}
    )
    cpu: dict[Any, list[float]] = {v: [] for v in variants}
    wall: dict[Any, list[float]] = {v: [] for v in variants}
    sql: dict[Any, int] = dict.fromkeys(variants, 0)
    for variant, request in variants.items():  # warm: caches, connections, imports
        assert request().status_code in (200, 302), variant
    for _ in range(rounds):
        for variant, request in variants.items():
            before, began, seen = time.process_time(), time.perf_counter(), statements[0]
            request()
            cpu[variant].append((time.process_time() - before) * 1000)
            wall[variant].append((time.perf_counter() - began) * 1000)
            sql[variant] += statements[0] - seen
    load = os.getloadavg()[0]
    print(f"{rounds} requests of each, interleaved; load average {load:.1f} at the end")
    print(f"{'request':>22} | {'CPU ms':>7} {'wall ms':>8} {'SQL/req':>8}")
    for variant in sorted(variants, key=lambda v: (v[1], v[0])):
        name = (
            f"{variant[1]} ({variant[0]})"
            if variant[1] in ("home", "case", "letter")
            else variant[1]
        )
        print(
            f"{name:>22} | {statistics.median(cpu[variant]):7.1f} "
            f"{statistics.median(wall[variant]):8.1f} {sql[variant] / rounds:8.1f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    main(parser.parse_args().requests)
