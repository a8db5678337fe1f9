"""Benchmark of the yearly report of releases on 100,000 cases with 1,000 releases in one year.

Prints, from one run: the HTML report time, the PDF time, a cached repeat download, and a naive
WeasyPrint render of the same content as one automatic-layout HTML table (in a child process,
so each process's peak memory is its own), with ratios.

    .venv/bin/python benchmarks/report.py [--cases 100000] [--releases 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from html import escape
from pathlib import Path
from typing import Any

YEAR = 2020
COUNTRIES = ["IR", "CN", "VN", "BY", "EG", "TR", "RU", "SA", "BH", "AZ", "MM", "NI", "CU", "ER"]
CATEGORIES = ["activist", "lawyer", "journalist", "human_rights_defender", "student",
              "environmental_defender", "trade_unionist", "writer_artist"]  # fmt: skip
KINDS = ["acquitted", "charges_dropped", "sentence_served", "pardon", "early_release", "exile"]


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(app: Any, cases: int, releases: int) -> None:
    """Bulk-insert cases (held since 2015-2019) and `releases` releases in YEAR."""
    from sqlalchemy import insert

    from tracker.extensions import db
    from tracker.models import Appeal, AppealCounter, Case, StatusChange, utcnow

    rng = random.Random(42)
    now = utcnow()
    with app.app_context():
        session = db.session
        batch = 10_000
        for start in range(0, cases, batch):
            rows = []
            for i in range(start, min(cases, start + batch)):
                rows.append({
                    "id": i + 1, "reference": f"BM-{i:06d}", "slug": f"person-{i:06d}",
                    "full_name": f"Person {i:06d} Example",
                    "name_native": "نام" if i % 7 == 0 else "",
                    "country": rng.choice(COUNTRIES), "category": rng.choice(CATEGORIES),
                    "is_public": i % 10 != 0, "consent_publicity": i % 10 != 0,
                    "status": "detained", "status_since": dt.date(2015 + i % 5, 1 + i % 12, 1),
                    "internal_notes": "PRIVATE", "version": 1, "created_at": now, "updated_at": now,
                })  # fmt: skip
            session.execute(insert(Case), rows)
        changes = []
        for i in range(cases):
            changes.append({
                "case_id": i + 1, "from_status": None, "to_status": "detained",
                "effective_on": dt.date(2015 + i % 5, 1 + i % 12, 1), "precision": "day",
                "recorded_at": now, "note": "internal", "public_note": "",
            })  # fmt: skip
        released = rng.sample(range(cases), releases)
        for n, i in enumerate(released):
            changes.append({
                "case_id": i + 1, "from_status": "detained", "to_status": "released",
                "effective_on": dt.date(YEAR, 1 + n % 12, 1 + n % 28),
                "precision": "month" if n % 9 == 0 else "day",
                "release_kind": KINDS[n % len(KINDS)], "recorded_at": now, "note": "internal",
                "public_note": "Released after a long campaign by supporters and family.",
            })  # fmt: skip
            if n % 10 == 0:
                changes.append({
                    "case_id": i + 1, "from_status": "released", "to_status": "detained",
                    "effective_on": dt.date(YEAR + 1, 3, 1), "precision": "month",
                    "recorded_at": now, "note": "", "public_note": "",
                })  # fmt: skip
        for start in range(0, len(changes), 20_000):
            session.execute(insert(StatusChange), changes[start : start + 20_000])
        session.execute(
            insert(Appeal),
            [{"id": n + 1, "case_id": i + 1, "subject": "Free them", "status": "closed",
              "version": 1, "created_at": now, "updated_at": now}
             for n, i in enumerate(released)],
        )  # fmt: skip
        session.execute(
            insert(AppealCounter),
            [{"appeal_id": n + 1, "day": dt.date(YEAR, 1, 1), "downloads": 50 + n % 40,
              "sent": 20 + n % 15} for n in range(releases)],
        )  # fmt: skip
        session.commit()


def naive_html(report: dict[str, Any]) -> str:
    """The obvious version: one HTML table, automatic layout, every person a row."""
    head = ("Name", "Native name", "Country", "Category", "Released", "How", "Detained",
            "Arrested again", "Note", "Letters")  # fmt: skip
    rows = []
    for p in report["released"]:
        cells = (p["name"], p["name_native"], p["country_name"], p["category_label"],
                 p["date_text"], p["release_kind_label"], p["time_detained_text"] or "",
                 p["rearrested_text"] or "", p["public_note"],
                 f"{p['letters_downloaded']} / {p['letters_sent']}")  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "table{border-collapse:collapse;width:100%;font:9pt sans-serif}"
        "td,th{border:1px solid #999;padding:2px}</style></head><body>"
        f"<h1>Releases in {report['year']}</h1><table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>"
    )


def naive_child(html: str, queue: Any) -> None:
    """Render the naive table in a process of its own; report time, pages and peak memory."""
    from tracker.pdf import render_pdf

    started, cpu = time.perf_counter(), time.process_time()
    data = render_pdf(html, max_pages=100_000, seconds=None)
    queue.put((time.perf_counter() - started, time.process_time() - cpu, len(data), peak_rss_mb()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--releases", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary database.")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-report-"))
    os.environ["TRACKER_INSTANCE_PATH"] = str(workdir)
    url = f"sqlite:///{workdir / 'bench.db'}"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import flask_migrate

    from tracker import create_app
    from tracker.extensions import db
    from tracker.paths import MIGRATIONS_DIR
    from tracker.services.reports.data import build_release_report

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    app.config["PDF_CACHE_DIR"] = str(workdir / "pdf-cache")
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    t0 = time.perf_counter()
    seed(app, args.cases, args.releases)
    print(f"seeded {args.cases:,} cases, {args.releases:,} releases in {YEAR} "
          f"in {time.perf_counter() - t0:.1f} s ({workdir})")  # fmt: skip

    client = app.test_client()
    client.get(f"/reports/releases/{YEAR - 5}")  # warm up: imports, template compilation
    started = time.perf_counter()
    page = client.get(f"/reports/releases/{YEAR}")
    html_s = time.perf_counter() - started
    assert page.status_code == 200

    started, cpu = time.perf_counter(), time.process_time()
    pdf = client.get(f"/reports/releases/{YEAR}.pdf")
    pdf_s, pdf_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert pdf.status_code == 200

    repeats = []
    for _ in range(5):
        started = time.perf_counter()
        again = client.get(f"/reports/releases/{YEAR}.pdf")
        repeats.append(time.perf_counter() - started)
        assert again.data == pdf.data
    cached_s = sorted(repeats)[len(repeats) // 2]

    with app.app_context():
        report = build_release_report(db.session, YEAR, public=True)
    named = len(report["released"])
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=naive_child, args=(naive_html(report), queue))
    child.start()
    naive_s, naive_cpu, naive_bytes, naive_rss = queue.get()
    child.join()

    import pypdf

    pages = len(pypdf.PdfReader(__import__("io").BytesIO(pdf.data)).pages)
    print(f"named in the public report: {named} (+{report['unnamed']['released']} unnamed)")
    print(f"HTML report page             {html_s * 1000:8.0f} ms   (target <= 1000 ms)")
    print(f"PDF report, blocks           {pdf_s * 1000:8.0f} ms   {pages} pages, "
          f"{len(pdf.data) / 1024:.0f} KiB, CPU {pdf_cpu * 1000:.0f} ms")  # fmt: skip
    print(f"PDF cached repeat (median/5) {cached_s * 1000:8.1f} ms   (target < 50 ms)")
    print(f"naive table PDF              {naive_s * 1000:8.0f} ms   {naive_bytes / 1024:.0f} KiB, "
          f"CPU {naive_cpu * 1000:.0f} ms")  # fmt: skip
    print(f"PDF / naive, wall clock      {pdf_s / naive_s:8.2f}     (target <= 0.5)")
    print(f"PDF / naive, CPU time        {pdf_cpu / naive_cpu:8.2f}     (steadier when shared)")
    print(f"cached / PDF                 {cached_s / pdf_s:8.4f}")
    print(f"peak RSS: this process {peak_rss_mb():.0f} MB, naive render process "
          f"{naive_rss:.0f} MB   (target <= 300 MB each)")  # fmt: skip
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
