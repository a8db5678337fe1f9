"""Letter rendering figures, side by side with a naive `HTML(string=...).write_pdf()`.

Run: .venv/bin/python benchmarks/letters.py [--quick]
Prints ratios measured in one run: cold render, personalised render, cached download through
the app vs a static file (gunicorn + a load generator on 127.0.0.1), worker memory after 400
renders, and a 500-letter campaign pack vs one naive document.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2024, 5, 1)
ORG = "Tracker Human Rights"


def fake_card(i: int, language: str = "en"):  # type: ignore[no-untyped-def]
    """A public card without a database (the renderers only see these frozen objects)."""
    from tracker.services.publishing.objects import (
        AppealCard,
        PublicAddressee,
        PublicAppeal,
        PublicCase,
        PublicStatusChange,
    )

    now = dt.datetime.now(dt.UTC)
    name = f"Person Number {i}"
    change = PublicStatusChange(
        1, i, "p", name, None, "detained", dt.date(2017, 1, 1), "month", None, "", now
    )
    case = PublicCase(
        i,
        f"p-{i}",
        name,
        "Trần Thị Nga",
        "VN",
        "Vietnam",
        "activist",
        "labour rights activist",
        None,
        "Ha Nam prison",
        "Article 88",
        "9 years",
        "",
        "sentenced",
        dt.date(2017, 7, 25),
        "day",
        False,
        (change,),
    )
    addressee = PublicAddressee(
        1,
        "H.E.",
        "Le Thanh Long",
        "Minister of Justice",
        "Ministry of Justice",
        ("58-60 Tran Phu", "Ba Dinh, Hanoi"),
        "VN",
        "Vietnam",
        "",
        "Dear Minister",
        "en",
        1,
    )
    body = (
        "I am writing to express my concern for {{ case.name }} ({{ case.name_native }}), a "
        "{{ case.profession }} detained since {{ case.detained_since }} for peacefully "
        "defending the rights of others.\n\n{{ case.name }} was sentenced to {{ case.sentence }} "
        "under {{ case.charges }}. Peaceful protest is not a crime.\n\n"
        "I respectfully urge you to act without delay."
    )
    appeal = PublicAppeal(
        i,
        i,
        "appeal",
        language,
        "Release {{ case.name }}",
        body,
        (
            "Release them immediately and unconditionally",
            "Ensure access to family and a lawyer of their choice",
            "Protect them from torture and other ill-treatment",
        ),
        None,
        "active",
        1,
        now,
        None,
        None,
        addressee,
        (addressee,),
    )
    return AppealCard(case, appeal)


def naive_html(cards) -> str:  # type: ignore[no-untyped-def]
    """The same letters, with the stylesheet inlined and the logo as a file: a naive set-up."""
    from tracker.paths import STATIC_DIR
    from tracker.services.letters.compose import document_html, letter_context

    letters = [letter_context(c, today=TODAY, sender_mode="lines") for c in cards]
    html = document_html(letters, title="naive", organisation=ORG)
    css = (STATIC_DIR / "css/letter.css").read_text() + "@page { size: A4 }"
    html = html.replace(
        "https://assets.tracker.invalid/img/logo.svg", (STATIC_DIR / "img/logo.svg").as_uri()
    )
    return html.replace("</head>", f"<style>{css}</style></head>")


def naive_render(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT)).write_pdf()


def median_ms(fn, n: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak RSS of this process or of the largest of its finished children (pack workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


# -- children (one process per measurement, so memory figures are their own) --------------------


def child_memory(kind: str, renders: int) -> dict[str, float]:
    from tracker.services.letters.render import render_letter

    cards = [fake_card(i) for i in range(renders)]
    html = naive_html(cards[:1])
    start = rss_mb()
    for i, card in enumerate(cards):
        if kind == "ours":
            render_letter(card, paper="a4", today=TODAY, organisation=ORG)
        else:
            naive_render(html.replace("Person Number 0", f"Person Number {i}"))
        if i == 9:
            after_10 = rss_mb()
    return {"start": start, "after_10": after_10, "end": rss_mb(), "peak": peak_mb()}


def child_pack(kind: str, letters: int) -> dict[str, float]:
    from tracker.services.letters.pack import render_pack

    cards = [fake_card(i) for i in range(letters)]
    start = time.perf_counter()
    if kind == "ours":
        data = render_pack(cards, paper="a4", today=TODAY, organisation=ORG, title="pack")
    else:
        data = naive_render(naive_html(cards))
    return {"seconds": time.perf_counter() - start, "peak": peak_mb(), "bytes": len(data)}


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the app under gunicorn -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hammer(args: tuple[int, str, float]) -> int:
    port, path, seconds = args
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200 and body.startswith(b"%PDF"), response.status
        conn.close()
        done += 1
    return done


def throughput(port: int, path: str, seconds: float, clients: int) -> float:
    with ProcessPoolExecutor(clients) as pool:
        counts = list(pool.map(hammer, [(port, path, seconds)] * clients))
    return sum(counts) / seconds


def app_download_figures(seconds: float) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp),
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
    }
    tracker = str(Path(sys.executable).with_name("tracker"))
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    seed = (
        "from tracker import create_app\n"
        "from tracker.extensions import db\n"
        "from tracker.services.cases.editing import create_case\n"
        "from tracker.services.letters.editing import create_addressee, create_appeal\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    c = create_case(db.session, None, {'reference': 'B1', 'full_name': 'Tran Thi Nga',"
        " 'country': 'VN', 'category': 'activist', 'arrested_on': '2017-01-01',"
        " 'is_public': True, 'consent_publicity': True})\n"
        "    a = create_addressee(db.session, None, {'name': 'Le Thanh Long', 'country': 'VN',"
        " 'salutation': 'Dear Minister', 'address_lines': ['58-60 Tran Phu', 'Hanoi']})\n"
        "    p = create_appeal(db.session, None, c, {'addressee_id': a.id, 'status': 'active',"
        " 'subject': 'Release {{ case.name }}', 'body': 'Please release {{ case.name }}.',"
        " 'asks': ['Release her']})\n"
        "    db.session.commit()\n"
        "    print(c.slug, p.id)\n"
    )
    from tracker.database import set_write_intent  # noqa: F401  (the seed writes)

    slug, appeal_id = subprocess.run(
        [sys.executable, "-c", seed], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "tracker:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    static_copy = ROOT / "tracker" / "static" / "bench-letter.pdf"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        letter = f"/cases/{slug}/letters/{appeal_id}.pdf"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", letter)
        data = conn.getresponse().read()
        static_copy.write_bytes(data)
        hammer((port, letter, 0.5))
        hammer((port, "/static/bench-letter.pdf", 0.5))
        app_rps = throughput(port, letter, seconds, 2)
        static_rps = throughput(port, "/static/bench-letter.pdf", seconds, 2)
        return {"app_rps": app_rps, "static_rps": static_rps, "bytes": len(data)}
    finally:
        static_copy.unlink(missing_ok=True)
        server.send_signal(signal.SIGTERM)
        server.wait(60)  # a loaded machine takes more than 10 s to stop two workers
        shutil.rmtree(tmp, ignore_errors=True)


# -- main -----------------------------------------------------------------------------------------


def main(quick: bool) -> None:
    from tracker.services.letters.compose import Supporter
    from tracker.services.letters.render import render_letter, stamp_sender

    n = 7 if quick else 21
    # Warm both paths once (imports, fontconfig) so "cold" means an uncached letter in a
    # running worker, as at a campaign peak.
    render_letter(fake_card(0), paper="a4", today=TODAY, organisation=ORG)
    naive_render(naive_html([fake_card(0)]))

    ours = median_ms(
        lambda i: render_letter(fake_card(1000 + i), paper="a4", today=TODAY, organisation=ORG), n
    )
    naive = median_ms(lambda i: naive_render(naive_html([fake_card(2000 + i)])), n)
    base = render_letter(
        fake_card(1), paper="a4", today=TODAY, organisation=ORG, sender_mode="blank"
    )
    personal = median_ms(
        lambda i: stamp_sender(
            base,
            fake_card(1),
            Supporter.from_form(f"Jane Roe {i}", "12 High Street\nOxford OX1 2AB"),
            paper="a4",
            today=TODAY,
            organisation=ORG,
        ),
        n,
    )
    print(
        f"cold render           ours {ours:7.1f} ms   naive {naive:7.1f} ms   "
        f"ratio {ours / naive:.2f} (target <= 0.8)"
    )
    print(
        f"personalised render   ours {personal:7.1f} ms   naive {naive:7.1f} ms   "
        f"ratio {personal / naive:.2f} (target <= 0.5)"
    )

    web = app_download_figures(3 if quick else 8)
    print(
        f"cached download       app {web['app_rps']:7.0f} req/s  static {web['static_rps']:7.0f}"
        f" req/s  ratio {web['app_rps'] / web['static_rps']:.2f} (target >= 0.8; "
        f"{web['bytes']} bytes, gunicorn -w 2, 2 client processes)"
    )

    renders = 100 if quick else 400
    mem_ours = run_child("memory", "ours", str(renders))
    mem_naive = run_child("memory", "naive", str(renders))
    print(
        f"memory after {renders} renders  ours {mem_ours['end']:.0f} MB "
        f"(+{mem_ours['end'] - mem_ours['after_10']:.1f} MB after the 10th)   naive "
        f"{mem_naive['end']:.0f} MB (+{mem_naive['end'] - mem_naive['after_10']:.1f} MB)"
        f"  (target <= 100 MB)"
    )

    letters = 100 if quick else 500
    pack = run_child("pack", "ours", str(letters))
    naive_pack = run_child("pack", "naive", str(letters))
    print(
        f"{letters}-letter pack      ours {pack['seconds']:.1f} s, peak {pack['peak']:.0f} MB, "
        f"{pack['bytes'] / 1024:.0f} KiB   naive one document {naive_pack['seconds']:.1f} s, "
        f"peak {naive_pack['peak']:.0f} MB, {naive_pack['bytes'] / 1024:.0f} KiB"
    )
    print(
        f"                      time ratio {pack['seconds'] / naive_pack['seconds']:.2f} "
        f"(target <= 0.6)  size ratio {pack['bytes'] / naive_pack['bytes']:.2f} "
        f"(target <= 1.5)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        what, kind, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
        result = child_memory(kind, count) if what == "memory" else child_pack(kind, count)
        print(json.dumps(result))
    else:
        main(quick="--quick" in sys.argv)
