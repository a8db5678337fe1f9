"""The cost of translation on the public home page: the same page with and without `lang`.

    .venv/bin/python benchmarks/i18n.py [--cases 40] [--rounds 400]

Seeds a temporary SQLite database with public cases, each with an active appeal (one home-page
card per case), then requests `/` on the Flask test client in rounds: in each round once in
English as a first-time visitor sends it (no `lang`, no Accept-Language), and once with each
of `?lang=en`, `?lang=fr`, `?lang=es`, `?lang=ar`, in a shuffled order, so that load on the
machine falls on every variant alike. Prints, for each, the median wall time, the median CPU
time of this process (what the page costs, whatever else the shared machine runs) and their
ratios to the page without `lang`: the translation cost (target: under 5 %, judged on CPU time).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate

from tracker import create_app
from tracker.extensions import db
from tracker.paths import MIGRATIONS_DIR
from tracker.services.cases.editing import change_status, create_case
from tracker.services.letters.editing import create_addressee, create_appeal, create_campaign

COUNTRIES = ["VN", "IR", "CN", "EG", "BH", "SA", "BY", "RU", "TR", "MM"]
CATEGORIES = ["activist", "lawyer", "journalist", "human_rights_defender", "student"]
VARIANTS = {
    "no lang (en)": "/",
    "?lang=en": "/?lang=en",
    "?lang=fr": "/?lang=fr",
    "?lang=es": "/?lang=es",
    "?lang=ar": "/?lang=ar",
}


def seed(cases: int) -> None:
    """Public, consented, held cases, each with an active appeal in one campaign."""
    campaign = create_campaign(db.session, None, {"name": "Write for Rights 2026"})
    addressee = create_addressee(
        db.session,
        None,
        {
            "honorific": "H.E.",
            "name": "Le Thanh Long",
            "position": "Minister of Justice",
            "address_lines": ["58-60 Tran Phu", "Ba Dinh, Hanoi"],
            "country": "VN",
            "salutation": "Dear Minister",
        },
    )
    for i in range(cases):
        case = create_case(
            db.session,
            None,
            {
                "reference": f"BENCH-{i:04d}",
                "full_name": f"Person Number {i}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "category": CATEGORIES[i % len(CATEGORIES)],
                "profession": "land rights campaigner",
                "summary": "Imprisoned for a peaceful protest.",
                "is_public": True,
                "consent_publicity": True,
            },
        )
        change_status(
            db.session,
            None,
            case,
            "sentenced",
            dt.date(2015 + i % 8, 1 + i % 12, 1),
            precision="month",
        )
        create_appeal(
            db.session,
            None,
            case,
            {
                "kind": "appeal",
                "language": "en",
                "addressee_id": addressee.id,
                "subject": "Release {{ case.name }}",
                "body": "{{ addressee.salutation }}, I ask you to release {{ case.name }}.",
                "asks": ["Release them"],
                "status": "active",
                "campaign": campaign.slug,
                "deadline": dt.date.today() + dt.timedelta(days=90),
            },
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRACKER_INSTANCE_PATH"] = tmp
        url = f"sqlite:///{tmp}/bench.db"
        # Every page rendered afresh: a kept page (PUBLIC_PAGE_TTL_SECONDS) would measure the
        # memo, not what translating the page costs.
        config = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
        app = create_app({**config, "PUBLIC_PAGE_TTL_SECONDS": 0.0})
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            seed(args.cases)
        client = app.test_client()
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
        order = list(VARIANTS)
        for path in VARIANTS.values():  # warm every catalog, template and query cache
            for _ in range(5):
                client.get(path)
        for _ in range(args.rounds):
            random.shuffle(order)
            for name in order:
                client.delete_cookie("lang")
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(VARIANTS[name])
                cpu[name].append(time.process_time() - start_cpu)
                times[name].append(time.perf_counter() - start)
                assert response.status_code == 200
                assert response.get_data().count(b'class="card"') == args.cases
        load = os.getloadavg()[0]
        base = statistics.median(times["no lang (en)"])
        base_cpu = statistics.median(cpu["no lang (en)"])
        print(f"home page with {args.cases} cards, {args.rounds} rounds, load {load:.1f}")
        print(f"{'variant':<14} {'wall ms':>8} {'ratio':>6} {'cpu ms':>8} {'ratio':>6}")
        for name in VARIANTS:
            wall, used = statistics.median(times[name]), statistics.median(cpu[name])
            print(
                f"{name:<14} {wall * 1000:>8.2f} {wall / base:>6.3f} "
                f"{used * 1000:>8.2f} {used / base_cpu:>6.3f}"
            )
        worst = max(statistics.median(s) for s in cpu.values()) / base_cpu
        verdict = "met" if worst < 1.05 else "NOT met"
        print(
            f"translation cost: {(worst - 1) * 100:+.1f} % CPU at worst (target < 5 %): {verdict}"
        )


if __name__ == "__main__":
    main()
