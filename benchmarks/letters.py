"""Letter rendering figures, side by side with a naive `HTML(string=...).write_pdf()`.

Run: .venv/bin/python benchmarks/letters.py [--quick] [--jobs-only | --scripts-only]
Prints ratios measured in one run: cold render, personalised render (also per script: Latin,
Arabic, CJK and Myanmar letters, benchmarks/letter_scripts.py), cached download through
the app vs a static file (gunicorn + a load generator on 127.0.0.1), worker memory after 400
renders, a 500-letter campaign pack vs one naive document, and a 5,000-letter pack as a job on
`tracker worker` (2 render processes) vs the 500-letter pack job: time ratio, peak memory of
every worker process, and the staff site's p95 while the big pack runs vs idle.

Child modes (one measurement per process, JSON on the last line):
    letters.py --child pack ours 500      # a campaign pack of 500 letters (or: naive)
    letters.py --child event ours 5000    # an event pack of 5,000 people (or: whole, the
                                          # cover and briefs as one document, as before)
    letters.py --child memory ours 400    # render worker memory after 400 letters
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from letter_scripts import script_figures  # noqa: E402  (beside this file, after the path)
from served import start_gunicorn, wait_until_listening  # noqa: E402

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
        "day",
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


def _tree_peak(stop: Any, peak: list[float]) -> None:
    """Sample the RSS of this process and of all its descendants every 50 ms, keep the largest.

    The pack's chunk processes are children of multiprocessing's fork server, not of this
    process, so getrusage(RUSAGE_CHILDREN) never sees them while the fork server runs.
    """
    me = os.getpid()
    while not stop.wait(0.05):
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, grew = {me}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        peak[0] = max([peak[0], *(_rss_mb(pid) for pid in tree)])


def child_pack(kind: str, letters: int) -> dict[str, float]:
    import threading

    from tracker.services.letters.pack import render_pack

    cards = [fake_card(i) for i in range(letters)]
    peak, stop = [0.0], threading.Event()
    sampler = threading.Thread(target=_tree_peak, args=(stop, peak), daemon=True)
    sampler.start()
    start = time.perf_counter()
    if kind == "ours":
        data = render_pack(cards, paper="a4", today=TODAY, organisation=ORG, title="pack")
    else:
        data = naive_render(naive_html(cards))
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    return {"seconds": seconds, "peak": max(peak_mb(), peak[0]), "bytes": len(data)}


def child_event(kind: str, people: int) -> dict[str, float]:
    """An event pack of `people` people (one letter each) on 2 layout processes: its time and
    parts, peak RSS of the process tree. `whole` lays the cover and briefs out as one document
    in this process (as before 2026-12-03), `ours` in chunks like the letters."""
    import threading

    from tracker.services.letters import event_pack as packs

    cards = [fake_card(i) for i in range(people)]
    spent: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - began

        return wrapper

    packs._front = timed("front", packs._front)  # type: ignore[method-assign]
    packs.render_letters = timed("letters", packs.render_letters)  # type: ignore[assignment]
    if kind == "whole":
        packs.chunk_sizes = lambda count, workers: [count]  # type: ignore[assignment]
    campaign = packs.EventCampaign("Write for Rights", "w4r", None, None, "Tables open at 10.")
    peak, stop = [0.0], threading.Event()
    sampler = threading.Thread(target=_tree_peak, args=(stop, peak), daemon=True)
    sampler.start()
    start = time.perf_counter()
    error = ""
    try:
        data = packs.render_event_pack(
            cards, campaign=campaign, photos={}, paper="a4", today=TODAY, organisation=ORG,
            workers=2,
        )  # fmt: skip
    except Exception as exc:  # a refusal is a figure too
        data, error = b"", str(exc)[:200]
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    pages = 0
    if data:
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)
    return {
        "seconds": seconds,
        "peak": max(peak_mb(), peak[0]),
        "bytes": len(data),
        "pages": pages,
        "error": error,  # type: ignore[dict-item]
        **{f"{name}_s": value for name, value in spent.items()},
    }


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
    server, port = start_gunicorn(env)
    static_copy = ROOT / "tracker" / "static" / "bench-letter.pdf"
    try:
        wait_until_listening(port, 100)
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


# -- packs as jobs on `tracker worker` ------------------------------------------------------------


def _seed_packs(env: dict[str, str], sizes: tuple[int, ...]) -> dict[int, int]:
    seed = f"""
import datetime as dt
from tracker import create_app
from tracker.extensions import db
from tracker.services.accounts.users import create_user
from tracker.services.cases.editing import create_case
from tracker.services.letters import editing
from tracker.services.letters.editing import create_addressee, create_appeal, create_campaign
app = create_app()
check_appeal_printable = editing.check_appeal_printable
with app.app_context():
    admin = create_user(db.session, None, "bench@example.org", "correct-horse-7", "admin")
    a = create_addressee(db.session, None, {{"name": "Le Thanh Long", "country": "VN",
        "salutation": "Dear Minister", "address_lines": ["58-60 Tran Phu", "Hanoi"]}})
    for size in {sizes!r}:
        camp = create_campaign(db.session, None, {{"name": f"Pack {{size}}"}})
        print(size, camp.id)
        for i in range(size):
            c = create_case(db.session, None, {{"reference": f"P{{size}}-{{i}}",
                "full_name": f"Person {{size}} {{i}}", "country": "VN", "category": "activist",
                "arrested_on": "2017-01-01", "is_public": True, "consent_publicity": True,
                "summary": "A labour rights activist held for her writing."}})
            create_appeal(db.session, None, c, {{"addressee_id": a.id, "status": "active",
                "campaign": camp.slug, "subject": "Release {{{{ case.name }}}}",
                "body": "Please release {{{{ case.name }}}} at once.", "asks": ["Release her"]}})
            # Every appeal has the same text: its layout is checked once, not 5,500 times
            # (a worst-case layout each, which made the seeding take most of an hour).
            editing.check_appeal_printable = lambda session, appeal: None
            if i % 500 == 499:
                db.session.flush()
    db.session.commit()
editing.check_appeal_printable = check_appeal_printable
"""
    out = subprocess.run(
        [sys.executable, "-c", seed], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    return {int(out[i]): int(out[i + 1]) for i in range(0, len(out), 2)}


def _seeded(env: dict[str, str], tmp: Path, sizes: tuple[int, ...]) -> dict[int, int]:
    """Migrate and seed the campaigns; with TRACKER_BENCH_SEEDED=DIR (SQLite only) the seeded
    database is kept in DIR and copied from there by later runs."""
    tracker = str(Path(sys.executable).with_name("tracker"))
    keep = os.environ.get("TRACKER_BENCH_SEEDED")
    saved = Path(keep) / f"seed-{'-'.join(map(str, sizes))}" if keep else None
    sqlite = env["TRACKER_DATABASE_URL"] == f"sqlite:///{tmp / 'bench.db'}"
    if saved and sqlite and (saved / "campaigns.json").exists():
        for name in ("bench.db", "data_key"):
            shutil.copy2(saved / name, tmp / name)
        subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
        found = json.loads((saved / "campaigns.json").read_text())
        return {int(size): int(campaign) for size, campaign in found.items()}
    subprocess.run([tracker, "db", "upgrade"], env=env, check=True, capture_output=True)
    campaigns = _seed_packs(env, sizes)
    if saved and sqlite:
        import sqlite3

        saved.mkdir(parents=True, exist_ok=True)
        source, copy = sqlite3.connect(tmp / "bench.db"), sqlite3.connect(saved / "bench.db")
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
        shutil.copy2(tmp / "data_key", saved / "data_key")
        (saved / "campaigns.json").write_text(json.dumps(campaigns))
    return campaigns


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-g", str(os.getpgid(pid))], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    from urllib.parse import urlencode

    body = urlencode(
        {"csrf_token": token, "email": "bench@example.org", "password": "correct-horse-7"}
    )
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]


def _staff_latencies(port: int, cookie: str, stop: Any, out: list[float]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        began = time.perf_counter()
        conn.request("GET", "/staff/cases", headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        out.append(time.perf_counter() - began)
        time.sleep(0.05)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000


def job_pack_figures(small: int, big: int) -> dict[str, float]:
    import threading

    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-jobs-"))
    env = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp),
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_DATABASE_URL": os.environ.get("TRACKER_BENCH_DATABASE_URL")
        or f"sqlite:///{tmp / 'bench.db'}",
        "TRACKER_PACK_WORKERS": "2",
    }
    tracker = str(Path(sys.executable).with_name("tracker"))
    campaigns = _seeded(env, tmp, (small, big))
    web, port = start_gunicorn(env, start_new_session=True)
    worker = subprocess.Popen(
        [tracker, "worker", "-w", "2"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, 300)
        cookie = _login(port)
        idle: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=_staff_latencies, args=(port, cookie, stop, idle))
        sampler.start()
        time.sleep(8)
        stop.set()
        sampler.join()

        def run_pack(size: int, during: list[float] | None) -> tuple[float, float]:
            from urllib.parse import urlencode

            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/staff/campaigns", headers={"Cookie": cookie})
            page = conn.getresponse().read().decode()
            token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/staff/campaigns/{campaigns[size]}/pack",
                body=urlencode({"csrf_token": token, "paper": "a4"}),
                headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            response.read()
            job_page = response.getheader("Location")
            peak = 0.0
            stop = threading.Event()
            sampler = None
            if during is not None:
                sampler = threading.Thread(
                    target=_staff_latencies, args=(port, cookie, stop, during)
                )
                sampler.start()
            while True:
                for pid in _descendants(worker.pid):
                    peak = max(peak, _rss_mb(pid))
                conn.request("GET", job_page, headers={"Cookie": cookie})
                text = conn.getresponse().read().decode()
                if "Done." in text or "Failed" in text:
                    break
                time.sleep(0.5)
            seconds = time.perf_counter() - started
            stop.set()
            if sampler:
                sampler.join()
            assert "Done." in text, text
            return seconds, peak

        # The small pack alone, then again with the staff site sampled as during the big one:
        # the sampler's requests take CPU from the render, so the ratio compares the two packs
        # under the same load.
        alone_s, small_peak = run_pack(small, None)
        small_s, _ = run_pack(small, [])
        during: list[float] = []
        big_s, big_peak = run_pack(big, during)
        return {
            "alone_s": alone_s,
            "small_s": small_s,
            "big_s": big_s,
            "peak": max(small_peak, big_peak),
            "idle_p95": _p95(idle),
            "busy_p95": _p95(during),
            "idle_n": len(idle),
            "busy_n": len(during),
        }
    finally:
        for proc in (web, worker):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(60)
        shutil.rmtree(tmp, ignore_errors=True)


def print_job_figures(quick: bool) -> None:
    small, big = (50, 500) if quick else (500, 5000)
    jobs = job_pack_figures(small, big)
    print(
        f"pack as a job         {big} letters {jobs['big_s']:.1f} s, {small} letters "
        f"{jobs['small_s']:.1f} s: ratio {jobs['big_s'] / jobs['small_s']:.2f} (target <= 10.5; "
        f"tracker worker -w 2, 2 render processes; both while /staff/cases is sampled)"
    )
    print(
        f"                      {small} letters with the staff site idle {jobs['alone_s']:.1f} s: "
        f"ratio {jobs['big_s'] / jobs['alone_s']:.2f}; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"                      peak RSS of any worker process {jobs['peak']:.0f} MB "
        f"(target <= 300 MB)"
    )
    print(
        f"                      staff /staff/cases p95 idle {jobs['idle_p95']:.0f} ms, while the "
        f"{big}-letter pack runs {jobs['busy_p95']:.0f} ms: ratio "
        f"{jobs['busy_p95'] / jobs['idle_p95']:.2f} (target <= 2; {jobs['idle_n']} and "
        f"{jobs['busy_n']} requests, gunicorn -w 2)"
    )


# -- main -----------------------------------------------------------------------------------------


HOSTILE_TEMPLATES = {
    "join chain (finding 1)": "{{ case.name|join(case.name)|join(case.name)|join(case.name) }}",
    "~ chain over charges": " ~ ".join(["case.charges"] * 40).join(["{{ ", " }}"]),
}


def hostile_figures(n: int) -> None:
    """Hostile texts refused where they are saved (compiled afresh each time, as on a save)."""
    from dataclasses import replace

    from tracker.domain.placeholders import PlaceholderError, check_letter_text, compile_letter_text
    from tracker.services.letters.compose import LetterError
    from tracker.services.letters.printable import check_printable

    for label, source in HOSTILE_TEMPLATES.items():

        def refuse(_i: int, source: str = source, label: str = label) -> None:
            compile_letter_text.cache_clear()
            try:
                check_letter_text(source, TODAY)
            except PlaceholderError:
                return
            raise AssertionError(f"{label} was accepted")

        ms = median_ms(refuse, n)
        print(f"hostile template      {label:24} refused at save in {ms:6.1f} ms (target < 100)")
    card = fake_card(1)
    dos = replace(card, appeal=replace(card.appeal, body="x\n" * 10_000))

    def refuse_dos(_i: int) -> None:
        compile_letter_text.cache_clear()
        try:
            check_printable(dos, today=TODAY, organisation=ORG)
        except LetterError:
            return
        raise AssertionError("10,000 lines were accepted")

    ms = median_ms(refuse_dos, n)
    print(
        f"hostile template      {'10,000 lines (finding 2)':24} refused at activation "
        f"in {ms:6.1f} ms"
    )


def main(quick: bool) -> None:
    from tracker.services.letters.compose import Supporter
    from tracker.services.letters.render import render_letter, stamp_sender

    if "--jobs-only" in sys.argv:
        print_job_figures(quick)
        return

    n = 7 if quick else 21
    if "--scripts-only" in sys.argv:
        script_figures(n, TODAY, ORG, naive_html, naive_render)
        return
    hostile_figures(n)
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
    script_figures(n, TODAY, ORG, naive_html, naive_render)

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
    print_job_figures(quick)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        what, kind, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
        children = {"memory": child_memory, "pack": child_pack, "event": child_event}
        result = children[what](kind, count)
        print(json.dumps(result))
    else:
        main(quick="--quick" in sys.argv)
