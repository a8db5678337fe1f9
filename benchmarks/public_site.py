"""Public-site figures at 10,000 active appeals, side by side with a static file of the same app.

Run: .venv/bin/python benchmarks/public_site.py [--appeals N] [--requests N]
Seeds N active appeals of public cases (letters posted spread over 60 days), serves the app with
gunicorn (2 sync workers) on 127.0.0.1 and times, one request at a time and interleaved so both
see the same machine load: `GET /write` (the redirect to a weighted random letter), with its
`?lang=` and `?campaign=` filters, and a static stylesheet. Prints p50 and p95 of each and the
ratio of /write to static. Target: /write p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from served import start_gunicorn, wait_until_listening  # noqa: E402  (beside this file)

SEED = """
import datetime as dt, random, sys
from sqlalchemy import insert
from tracker import create_app
from tracker.extensions import db
from tracker.models import Addressee, Appeal, AppealCounter, Campaign, Case
n = int(sys.argv[1])
rng = random.Random(13)
today = dt.date.today()
app = create_app()
with app.app_context():
    s = db.session
    s.execute(insert(Addressee).values(id=1, name="Le Thanh Long", country="VN",
              address_lines=["58-60 Tran Phu"], salutation="Dear Minister"))
    s.execute(insert(Campaign).values(id=1, name="Write for Rights", slug="w4r", letter_target=9))
    languages = ["en", "en", "en", "fa", "zh-Hans", "vi", "fr", "es"]
    s.execute(insert(Case), [dict(id=i, reference=f"B{i}", slug=f"person-{i}",
              full_name=f"Person {i}", country="VN", category="activist", status="detained",
              is_public=True, consent_publicity=True) for i in range(1, n + 1)])
    s.execute(insert(Appeal), [dict(id=i, case_id=i, addressee_id=1, status="active",
              language=languages[i % len(languages)], campaign_id=1 if i % 10 == 0 else None,
              subject="Release {{ case.name }}", body="Please release {{ case.name }}.",
              asks=["Release"]) for i in range(1, n + 1)])
    counters = {}
    for i in range(1, n + 1):
        for _ in range(rng.randrange(0, 12)):
            key = (i, today - dt.timedelta(days=rng.randrange(0, 60)))
            counters[key] = counters.get(key, 0) + 1
    s.execute(insert(AppealCounter), [dict(appeal_id=a, day=d, downloads=2 * v, sent=v)
              for (a, d), v in counters.items()])
    s.commit()
    print(len(counters))
"""

LIST_READ = """
import datetime as dt, statistics, time
from tracker import create_app
from tracker.extensions import db
from tracker.services.publishing.write import write_choices
app = create_app()
with app.app_context():
    times = []
    for _ in range(7):
        started = time.perf_counter()
        found = write_choices(db.session, dt.date.today())
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    print(len(found), statistics.median(times))
"""


def timed_get(port: int, path: str, expect: int) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status == expect, (path, response.status)
    return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main(appeals: int, requests: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tracker-public-bench-"))
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp),
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
    }
    tracker = str(Path(sys.executable).with_name("tracker"))
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    rows = subprocess.run(
        [sys.executable, "-c", SEED, str(appeals)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()[-1]
    print(
        f"seeded {appeals:,} active appeals and {int(rows):,} counter rows in "
        f"{time.perf_counter() - started:.1f} s"
    )
    listing = subprocess.run(
        [sys.executable, "-c", LIST_READ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    print(
        f"reading the list /write picks from ({int(listing[0]):,} letters, once per process "
        f"per 5 min or publication): median {float(listing[1]):.1f} ms"
    )
    server, port = start_gunicorn(env)
    paths = {
        "static /static/css/public.css": ("/static/css/public.css", 200),
        "/write": ("/write", 302),
        "/write?lang=fa": ("/write?lang=fa", 302),
        "/write?campaign=w4r": ("/write?campaign=w4r", 302),
    }
    try:
        wait_until_listening(port, 200)
        for path, expect in paths.values():  # warm both workers (first list read, imports)
            for _ in range(6):
                timed_get(port, path, expect)
        times: dict[str, list[float]] = {name: [] for name in paths}
        order = list(paths.items())
        rng = random.Random(1)
        for _ in range(requests):
            rng.shuffle(order)  # interleaved: every path sees the same load
            for name, (path, expect) in order:
                times[name].append(timed_get(port, path, expect))
        static = times["static /static/css/public.css"]
        print(f"{requests} requests each, one at a time, interleaved (2 gunicorn sync workers)")
        for name, values in times.items():
            print(
                f"  {name:32} p50 {statistics.median(values):6.2f} ms   p95 {p95(values):6.2f} ms"
                f"   p95 / static p95 {p95(values) / p95(static):5.2f}"
            )
        worst = max(p95(v) for k, v in times.items() if k.startswith("/write"))
        print(
            f"/write p95 (worst filter) {worst:.2f} ms: target <= 20 ms -> "
            f"{'met' if worst <= 20 else 'NOT met'}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    main(args.appeals, args.requests)
