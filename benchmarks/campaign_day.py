"""A campaign day on loopback: supporters' mix against gunicorn on PostgreSQL, stepped 10 -> 200.

Run: .venv/bin/python benchmarks/campaign_day.py [--quick] [--workers 2] [--routes]
Needs PostgreSQL (TRACKER_BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench, created when missing).

Closed-loop, bounded load: each simulated supporter sends a request, waits for the answer, and
sends the next; the concurrency steps 10, 25, 50, 100, 200. The mix is the public site on a
campaign day: home 25%, case page 20%, letter page 25%, cached letter PDF 20%, personalised
PDF 5%, "I posted it" 5%. Beside it, in the same run, the same server serves a static file at
the same concurrency. Prints requests/s, p50/p95/p99 and errors per step, and the knee: the
first step whose p95 is more than twice the first step's, or whose throughput grows < 10%.
With --routes, each kind of request is first timed alone at 10 clients.
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from served import start_gunicorn, wait_until_listening
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
STEPS = (10, 25, 50, 100, 200)
MIX = (
    ("home", 25),
    ("case", 20),
    ("letter", 25),
    ("cached_pdf", 20),
    ("personal_pdf", 5),
    ("posted", 5),
)
CLIENT_PROCESSES = 2


def database() -> str:
    url = os.environ.get(
        "TRACKER_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench"
    )
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


class Client:
    """One supporter: a keep-alive connection, a session cookie and a CSRF token."""

    def __init__(self, port: int, targets: dict[str, str]) -> None:
        self.port, self.targets = port, targets
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return response.status, data

    def csrf(self) -> None:
        _status, page = self.request("GET", self.targets["letter"])
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        self.token = match.group(1).decode() if match else ""

    def one(self, kind: str) -> bool:
        t = self.targets
        if kind == "personal_pdf":
            body = urlencode(
                {"csrf_token": self.token, "name": "Jane Roe", "address": "12 High St\nOxford"}
            )
            status, data = self.request("POST", t["cached_pdf"], body)
            return status == 200 and data.startswith(b"%PDF")
        if kind == "posted":
            status, _ = self.request("POST", t["posted"], urlencode({"csrf_token": self.token}))
            return status in (302, 303)
        status, data = self.request("GET", t[kind])
        return status == 200


def client_process(
    args: tuple[int, dict[str, str], int, float, bool, int],
) -> list[tuple[float, bool]]:
    port, targets, clients, seconds, static, seed = args
    kinds = [k for k, w in MIX for _ in range(w)]
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def run(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        client = Client(port, targets)
        if not static:
            client.csrf()
        start_line.wait()
        deadline = time.monotonic() + seconds
        mine: list[tuple[float, bool]] = []
        while time.monotonic() < deadline:
            kind = "static" if static else rng.choice(kinds)
            began = time.perf_counter()
            try:
                ok = client.one(kind)
            except (http.client.HTTPException, OSError):
                ok = False
            mine.append((time.perf_counter() - began, ok))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    for thread in threads:
        thread.join()
    return results


def step(
    port: int, targets: dict[str, str], concurrency: int, seconds: float, static: bool
) -> dict[str, float]:
    per = [
        concurrency // CLIENT_PROCESSES + (i < concurrency % CLIENT_PROCESSES)
        for i in range(CLIENT_PROCESSES)
    ]
    with ProcessPoolExecutor(CLIENT_PROCESSES) as pool:
        parts = list(
            pool.map(
                client_process,
                [(port, targets, n, seconds, static, i) for i, n in enumerate(per) if n],
            )
        )
    results = [r for part in parts for r in part]
    times = sorted(t for t, _ok in results)
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    return {
        "rps": len(results) / seconds,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "errors": sum(1 for _t, ok in results if not ok),
        "requests": len(results),
    }


def knee(rows: list[tuple[int, dict[str, float]]]) -> int | None:
    first = rows[0][1]["p95"]
    for (_c_prev, prev), (c, row) in itertools.pairwise(rows):
        if row["p95"] > 2 * first or row["rps"] < 1.1 * prev["rps"]:
            return c
    return None


def routes_alone(port: int, targets: dict[str, str], seconds: float) -> None:
    """`--routes`: each kind of request alone at 10 clients, beside the static file (where the
    time goes); the mix itself is measured afterwards as always."""
    global MIX
    mix = MIX
    print(f"each kind alone, 10 clients, {seconds:g} s")
    try:
        for kind, _weight in (*mix, ("static", 0)):
            MIX = ((kind, 1),)
            row = step(port, targets, 10, seconds, static=kind == "static")
            print(
                f"{kind:>13} | {row['rps']:7.0f} req/s {row['p50']:6.0f}ms {row['p95']:6.0f}ms "
                f"{row['p99']:6.0f}ms {row['errors']:5d}",
                flush=True,
            )
    finally:
        MIX = mix


def main() -> None:
    quick = "--quick" in sys.argv
    workers = sys.argv[sys.argv.index("--workers") + 1] if "--workers" in sys.argv else "2"
    seconds = 3.0 if quick else 8.0
    tmp = Path(tempfile.mkdtemp(prefix="tracker-campaign-day-"))
    (tmp / "config.py").write_text("LETTER_RATE_LIMIT = 10**9\n")  # one loopback address
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp),
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_DATABASE_URL": database(),
    }
    tracker = str(Path(sys.executable).with_name("tracker"))
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([tracker, "demo", "load"], env=env, check=True, capture_output=True)
    find = (
        "from tracker import create_app\n"
        "from tracker.extensions import db\n"
        "from tracker.services.publishing import queries as views\n"
        "import datetime as dt\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    card = views.active_appeal_cards(db.session, dt.date.today())[0]\n"
        "    print(card.case.slug, card.appeal.id)\n"
    )
    slug, appeal = subprocess.run(
        [sys.executable, "-c", find], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    targets = {
        "home": "/",
        "case": f"/cases/{slug}",
        "letter": f"/cases/{slug}/letters/{appeal}",
        "cached_pdf": f"/cases/{slug}/letters/{appeal}.pdf",
        "posted": f"/cases/{slug}/letters/{appeal}/sent",
        "static": "/static/css/site.css",
    }
    server, port = start_gunicorn(env, workers=workers, options=("--backlog", "2048"))
    try:
        wait_until_listening(port, 200)
        step(port, targets, 4, 1.0, static=False)  # warm: caches, connections, imports
        if "--routes" in sys.argv:
            routes_alone(port, targets, seconds)
        print(
            f"campaign day on gunicorn -w {workers}, PostgreSQL, {seconds:g} s per step, "
            f"{CLIENT_PROCESSES} client processes on the same machine"
        )
        print(
            f"{'clients':>7} | {'mix req/s':>9} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>5} | "
            f"{'static req/s':>12} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>5}"
        )
        mix_rows, static_rows = [], []
        for concurrency in STEPS:
            mix = step(port, targets, concurrency, seconds, static=False)
            stat = step(port, targets, concurrency, seconds, static=True)
            mix_rows.append((concurrency, mix))
            static_rows.append((concurrency, stat))
            print(
                f"{concurrency:7d} | {mix['rps']:9.0f} {mix['p50']:6.0f}ms {mix['p95']:6.0f}ms "
                f"{mix['p99']:6.0f}ms {mix['errors']:5d} | "
                f"{stat['rps']:12.0f} {stat['p50']:6.0f}ms "
                f"{stat['p95']:6.0f}ms {stat['p99']:6.0f}ms {stat['errors']:5d}",
                flush=True,
            )
        at50 = dict(mix_rows)[50]
        print(
            f"knee of the mix: {knee(mix_rows) or 'none up to 200'} clients; "
            f"static file: {knee(static_rows) or 'none up to 200'} clients"
        )
        print(
            f"at 50 clients: p95 {at50['p95']:.0f} ms (target <= 250 ms), "
            f"{at50['errors']} errors (target 0)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
